using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Inspur.Bench.LiveDensity;

/// <summary>
/// Sends the file to N UDP ports on 127.0.0.1 from one thread, 7 packets per datagram, each datagram at its due time
/// (<see cref="TsTimeline.DueSeconds"/>), restarting the file at the end of each loop; channel i starts i/N of a GOP
/// after channel 0 so that channels do not close segments in lockstep. Records the send time of every datagram (taken
/// just before the system call).
/// It sleeps whenever nothing is due (1 ms timer: datagrams leave up to about 1 ms late, in small bursts at high N), so
/// its own CPU use stays small; it is reported apart from either side.
/// </summary>
internal sealed class Replayer : IDisposable
{
    private const int LagBuckets = 10_000; // 0.1 ms each, up to 1 s

    private readonly TsTimeline _ts;
    private readonly Target[] _targets;
    private readonly long[] _due;
    private readonly long _loopTicks;
    private readonly int _maxLoops;
    private readonly Thread _thread;
    private readonly long[] _lag = new long[LagBuckets + 1];
    private volatile bool _stop;
    private volatile bool _resetWindow;
    private long _maxLagTicks;
    private long _windowDatagrams;
    private long _windowBytes;
    private long _refused;

    public Replayer(TsTimeline ts, IReadOnlyList<int> ports, TimeSpan runFor)
    {
        _ts = ts;
        var f = Stopwatch.Frequency;
        _due = ts.DueSeconds.Select(s => (long)(s * f)).ToArray();
        _loopTicks = (long)(ts.LoopSeconds * f);
        var stagger = ts.GopSeconds / ports.Count;
        _maxLoops = (int)Math.Ceiling((runFor.TotalSeconds + ts.GopSeconds) / ts.LoopSeconds) + 2;
        _targets = ports.Select((port, i) => new Target(port, (long)(i * stagger * f), _maxLoops)).ToArray();
        _thread = new Thread(Run) { IsBackground = true, Name = "replayer", Priority = ThreadPriority.Highest };
    }

    public int Channels => _targets.Length;

    public void Start()
    {
        var t0 = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 20;
        foreach (var t in _targets)
        {
            t.LoopStart = t0 + t.Offset;
            t.SendTimes[0] = new long[_ts.Datagrams];
        }

        _thread.Start();
    }

    public void Stop()
    {
        _stop = true;
        if (_thread.IsAlive) _thread.Join();
    }

    /// <summary>Restarts the pacing-lag and rate counters (at the start of a measured interval).</summary>
    public void ResetWindow() => _resetWindow = true;

    /// <summary>Datagrams and bytes sent since <see cref="ResetWindow"/>.</summary>
    public (long Datagrams, long Bytes) Window => (Interlocked.Read(ref _windowDatagrams), Interlocked.Read(ref _windowBytes));

    /// <summary>Sends that failed because nothing listened on the port (ICMP port unreachable on loopback).</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>How late datagrams left against their due time since <see cref="ResetWindow"/>: p50, p99, max in ms.</summary>
    public (double P50, double P99, double Max) Lag()
    {
        var counts = (long[])_lag.Clone();
        var total = counts.Sum();
        double At(double q)
        {
            if (total == 0) return 0;
            var rank = (long)Math.Ceiling(q * total);
            long seen = 0;
            for (var i = 0; i < counts.Length; i++)
            {
                seen += counts[i];
                if (seen >= rank) return i / 10.0;
            }

            return LagBuckets / 10.0;
        }

        return (At(0.5), At(0.99), Interlocked.Read(ref _maxLagTicks) * 1000.0 / Stopwatch.Frequency);
    }

    /// <summary>The latest send of <paramref name="datagram"/> to channel <paramref name="channel"/> at or before <paramref name="at"/>.</summary>
    public (int Loop, long SentAt)? LatestSend(int channel, int datagram, long at)
    {
        var times = _targets[channel].SendTimes;
        for (var loop = _maxLoops - 1; loop >= 0; loop--)
        {
            var sent = Volatile.Read(ref times[loop]) is { } arr ? Volatile.Read(ref arr[datagram]) : 0;
            if (sent != 0 && sent <= at) return (loop, sent);
        }

        return null;
    }

    /// <summary>When <paramref name="datagram"/> of loop <paramref name="loop"/> went to <paramref name="channel"/>; 0 if not (yet).</summary>
    public long SendTime(int channel, int loop, int datagram)
    {
        if (loop < 0 || loop >= _maxLoops) return 0;
        return Volatile.Read(ref _targets[channel].SendTimes[loop]) is { } arr ? Volatile.Read(ref arr[datagram]) : 0;
    }

    /// <summary>Loops begun for a channel.</summary>
    public int Loops(int channel) => _targets[channel].Loop + 1;

    public void Dispose()
    {
        Stop();
        foreach (var t in _targets) t.Socket.Dispose();
    }

    private void Run()
    {
        var bytes = _ts.Bytes;
        while (!_stop)
        {
            if (_resetWindow)
            {
                Array.Clear(_lag);
                Interlocked.Exchange(ref _maxLagTicks, 0);
                Interlocked.Exchange(ref _windowDatagrams, 0);
                Interlocked.Exchange(ref _windowBytes, 0);
                _resetWindow = false;
            }

            var now = Stopwatch.GetTimestamp();
            var earliest = long.MaxValue;
            foreach (var t in _targets)
            {
                while (true)
                {
                    var due = t.LoopStart + _due[t.Next];
                    if (due > now)
                    {
                        earliest = Math.Min(earliest, due);
                        break;
                    }

                    var offset = t.Next * TsTimeline.DatagramBytes;
                    var length = Math.Min(TsTimeline.DatagramBytes, bytes.Length - offset);
                    // Stamped before the send: nothing the datagram causes can be seen earlier, even when this thread is
                    // preempted inside or right after the system call.
                    var sent = Stopwatch.GetTimestamp();
                    Volatile.Write(ref t.SendTimes[t.Loop]![t.Next], sent);
                    try
                    {
                        t.Socket.Send(bytes.AsSpan(offset, length), SocketFlags.None);
                    }
                    catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
                    {
                        Interlocked.Increment(ref _refused);
                    }

                    var lag = sent - due;
                    _lag[Math.Min(LagBuckets, lag * 10_000 / Stopwatch.Frequency)]++;
                    if (lag > _maxLagTicks) Interlocked.Exchange(ref _maxLagTicks, lag);
                    Interlocked.Increment(ref _windowDatagrams);
                    Interlocked.Add(ref _windowBytes, length);
                    now = Stopwatch.GetTimestamp();

                    if (++t.Next == _ts.Datagrams)
                    {
                        // Restart the file; the segmenter sees the timestamps jump back and marks a discontinuity.
                        t.Next = 0;
                        t.LoopStart += _loopTicks;
                        if (t.Loop + 1 >= _maxLoops)
                        {
                            _stop = true;
                            break;
                        }

                        Volatile.Write(ref t.SendTimes[t.Loop + 1], new long[_ts.Datagrams]);
                        t.Loop++;
                    }
                }
            }

            // Nothing due: sleep (about 1.1 ms on Linux) rather than spin, even when the next datagram is due sooner; what fell
            // due meanwhile goes out in one burst. Spinning would cost a core at high N and starve both sides.
            if (earliest > Stopwatch.GetTimestamp()) Thread.Sleep(1);
        }
    }

    private sealed class Target
    {
        public Target(int port, long offset, int maxLoops)
        {
            Port = port;
            Offset = offset;
            SendTimes = new long[]?[maxLoops];
            Socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            Socket.Connect(new IPEndPoint(IPAddress.Loopback, port));
        }

        public int Port { get; }
        public long Offset { get; }
        public Socket Socket { get; }
        public long[]?[] SendTimes { get; }
        public long LoopStart { get; set; }
        public int Loop { get; set; }
        public int Next { get; set; }
    }
}
