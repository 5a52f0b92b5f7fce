using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;
using Akka.IO;

namespace Inspur.Media.Ingest;

/// <summary>
/// One thread that reads every registered UDP ingest socket once per tick: it drains each socket without blocking
/// (what the kernel queued since the last tick, in order) and hands each socket's datagrams on as one chunk (chunks
/// never exceed <see cref="BufferedSourceLogic.MaxBatchBytes"/>). A 5 Mbps feed sends a datagram every 2 ms; reading it
/// with an awaited receive per datagram costs two thread wake-ups each (the socket engine's, then a pool thread's),
/// and those wake-ups, not the bytes, were most of a passthrough channel's CPU. Here N channels cost one wake-up per
/// tick between them, for at most a tick of delay. The kernel's receive buffer holds a tick's datagrams meanwhile.
/// </summary>
public sealed class UdpIngestPoller
{
    private static readonly ConcurrentDictionary<TimeSpan, UdpIngestPoller> Pollers = new();

    /// <summary>The largest UDP payload (IPv4: 65 507 bytes), so a receive into this much room never truncates.</summary>
    private const int MaxDatagram = 65536;

    /// <summary>What one socket may hand on per tick before the others get their turn (80 MB/s at a 10 ms tick).</summary>
    internal const int MaxBytesPerTick = 800 * 1024;

    private readonly object _gate = new();
    private Registration[] _registrations = [];
    private Thread? _thread;

    private UdpIngestPoller(TimeSpan tick) => Tick = tick;

    /// <summary>The poller of this process for <paramref name="tick"/>: sources with the same tick share its thread.</summary>
    public static UdpIngestPoller For(TimeSpan tick)
    {
        if (tick <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(tick), tick, "a poll tick must be positive");
        return Pollers.GetOrAdd(tick, t => new UdpIngestPoller(t));
    }

    public TimeSpan Tick { get; }

    /// <summary>Sockets read now.</summary>
    public int Count => Volatile.Read(ref _registrations).Length;

    /// <summary>
    /// Reads <paramref name="socket"/> (made non-blocking here) from the next tick on: <paramref name="deliver"/> gets
    /// each tick's bytes and their datagram count, <paramref name="fail"/> a receive error (after which the socket is no
    /// longer read). Disposing the result stops reading and closes the socket; once it returns, neither callback runs
    /// again and the port is free.
    /// </summary>
    public IDisposable Register(Socket socket, Action<ByteString, int> deliver, Action<SocketException> fail)
    {
        socket.Blocking = false;
        var registration = new Registration(this, socket, deliver, fail);
        lock (_gate)
        {
            _registrations = [.. _registrations, registration];
            if (_thread is null)
            {
                _thread = new Thread(Run) { IsBackground = true, Name = $"udp-ingest-{Tick.TotalMilliseconds:0}ms" };
                _thread.Start();
            }
            else
            {
                Monitor.PulseAll(_gate);
            }
        }

        return registration;
    }

    private void Remove(Registration registration)
    {
        lock (_gate) _registrations = [.. _registrations.Where(r => r != registration)];
    }

    private void Run()
    {
        var scratch = GC.AllocateUninitializedArray<byte>(BufferedSourceLogic.MaxBatchBytes + MaxDatagram);
        var tick = (long)(Tick.TotalSeconds * Stopwatch.Frequency);
        var next = Stopwatch.GetTimestamp();
        while (true)
        {
            Registration[] registrations;
            lock (_gate)
            {
                // Nothing to read: sleep until a socket is registered, and start the schedule afresh then.
                if (_registrations.Length == 0)
                {
                    while (_registrations.Length == 0) Monitor.Wait(_gate);
                    next = Stopwatch.GetTimestamp();
                }

                registrations = _registrations;
            }

            foreach (var registration in registrations) registration.Drain(scratch);

            next += tick;
            var wait = next - Stopwatch.GetTimestamp();
            if (wait <= 0) next = Stopwatch.GetTimestamp(); // behind (a loaded machine): read again at once, no catching up
            else Thread.Sleep(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency));
        }
    }

    private sealed class Registration(UdpIngestPoller poller, Socket socket, Action<ByteString, int> deliver, Action<SocketException> fail)
        : IDisposable
    {
        private readonly object _gate = new();
        private bool _closed;

        /// <summary>Reads what the socket holds (up to <see cref="MaxBytesPerTick"/>) and hands it on in chunks.</summary>
        public void Drain(byte[] scratch)
        {
            lock (_gate)
            {
                if (_closed) return;
                var used = 0;
                var datagrams = 0;
                var total = 0;
                while (total < MaxBytesPerTick)
                {
                    var n = socket.Receive(scratch.AsSpan(used, MaxDatagram), SocketFlags.None, out var error);
                    if (error == SocketError.WouldBlock) break;
                    if (error != SocketError.Success)
                    {
                        Flush(scratch, 0, used, datagrams);
                        Close();
                        fail(new SocketException((int)error));
                        return;
                    }

                    total += n;
                    if (used + n > BufferedSourceLogic.MaxBatchBytes)
                    {
                        // This datagram would make the chunk too big: send what came before it, and start the next with it.
                        Flush(scratch, 0, used, datagrams);
                        if (_closed) return;
                        Buffer.BlockCopy(scratch, used, scratch, 0, n);
                        used = 0;
                        datagrams = 0;
                    }

                    used += n;
                    datagrams++;
                }

                Flush(scratch, 0, used, datagrams);
            }
        }

        private void Flush(byte[] scratch, int offset, int count, int datagrams)
        {
            if (datagrams > 0) deliver(ByteString.CopyFrom(scratch, offset, count), datagrams);
        }

        private void Close()
        {
            _closed = true;
            poller.Remove(this);
            socket.Dispose();
        }

        public void Dispose()
        {
            lock (_gate)
            {
                if (!_closed) Close();
            }
        }
    }
}
