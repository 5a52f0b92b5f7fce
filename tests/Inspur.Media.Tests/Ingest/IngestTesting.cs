using System.Net;
using System.Net.Sockets;
using Akka.IO;
using Akka.Streams.Dsl;
using Inspur.Media.Tests.Segmenting;
using Inspur.Media.Ts;

namespace Inspur.Media.Tests.Ingest;

/// <summary>Free ports, bounded waits, byte collectors and TS samples shared by the ingest specs.</summary>
public static class IngestTesting
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    public static int FreeUdpPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    public static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Waits until <paramref name="condition"/> holds, failing with <paramref name="describe"/> after <paramref name="timeout"/>.</summary>
    public static async Task Until(Func<bool> condition, Func<string> describe, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? Patience);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out: {describe()}");
            await Task.Delay(20);
        }
    }

    public static string TempDir() => Directory.CreateTempSubdirectory("inspur-ingest-").FullName;

    /// <summary>A 4 s MPEG-2 TS whose elementary streams start at <paramref name="startPid"/>, so a chunk tells which sample it came from.</summary>
    public static Task<byte[]> Tagged(int startPid) => Make($"tagged-{startPid:x}",
        $"-f lavfi -i testsrc2=size=160x120:rate=25 -t 4 -c:v mpeg2video -g 25 -b:v 300k -mpegts_start_pid 0x{startPid:x} -f mpegts");

    /// <summary>A 2 s MP4 (H.264 + AAC), a file type ffmpeg has to remux into TS for us.</summary>
    public static Task<byte[]> Mp4() => Make("mp4",
        "-f lavfi -i testsrc2=size=160x120:rate=25 -f lavfi -i sine=sample_rate=48000 -t 2 -c:v libx264 -preset ultrafast -g 25 -c:a aac -f mp4",
        ".mp4");

    private static readonly string SampleDir = TempDir();
    private static readonly Dictionary<string, Task<byte[]>> Samples = new();

    private static Task<byte[]> Make(string name, string args, string extension = ".ts")
    {
        lock (Samples)
        {
            if (!Samples.TryGetValue(name, out var task))
            {
                var path = Path.Combine(SampleDir, name + extension);
                task = Task.Run(async () =>
                {
                    var (code, _, err) = await MediaSamples.Run("ffmpeg", $"-hide_banner -loglevel error -y {args} {path}");
                    if (code != 0) throw new InvalidOperationException($"ffmpeg failed for {name}: {err}");
                    return await File.ReadAllBytesAsync(path);
                });
                Samples[name] = task;
            }

            return task;
        }
    }

    /// <summary>The PID of the first elementary-stream packet in <paramref name="chunk"/> (PSI PIDs below 0x20 and the PMT skipped), or -1.</summary>
    public static int FirstStreamPid(ReadOnlySpan<byte> chunk)
    {
        for (var i = 0; i + TsConstants.PacketSize <= chunk.Length; i += TsConstants.PacketSize)
        {
            var pid = ((chunk[i + 1] & 0x1F) << 8) | chunk[i + 2];
            if (pid is >= 0x20 and < 0x1000) return pid;
        }

        return -1;
    }
}

/// <summary>Everything a source delivered, in order, plus a TS framer's verdict on it; readable while the stream runs.</summary>
public sealed class Collected : ITsPacketConsumer
{
    private readonly List<byte[]> _chunks = [];
    private readonly MemoryStream _bytes = new();
    private readonly TsPacketFramer _framer = new();

    public Sink<ByteString, Task<Akka.Done>> Sink => Akka.Streams.Dsl.Sink.ForEach<ByteString>(Add);

    public long Length
    {
        get
        {
            lock (_chunks) return _bytes.Length;
        }
    }

    public int Count
    {
        get
        {
            lock (_chunks) return _chunks.Count;
        }
    }

    public byte[] Bytes()
    {
        lock (_chunks) return _bytes.ToArray();
    }

    public List<byte[]> Chunks(int from = 0)
    {
        lock (_chunks) return _chunks.Skip(from).ToList();
    }

    public (long Packets, long SyncLosses, long Skipped) Framing()
    {
        lock (_chunks) return (_framer.Packets, _framer.SyncLosses, _framer.SkippedBytes);
    }

    void ITsPacketConsumer.OnPackets(ReadOnlySpan<byte> packets)
    {
    }

    private void Add(ByteString chunk)
    {
        var bytes = chunk.ToArray();
        lock (_chunks)
        {
            _chunks.Add(bytes);
            _bytes.Write(bytes);
            _framer.Push(bytes, this);
        }
    }
}

/// <summary>Replays real TS bytes to a UDP port in 1316-byte datagrams, looping, until disposed.</summary>
public sealed class UdpReplay : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public UdpReplay(byte[] ts, int port)
    {
        _loop = Task.Run(() => Send(ts, port));
    }

    public long Sent { get; private set; }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
    }

    private async Task Send(byte[] ts, int port)
    {
        using var client = new UdpClient();
        var target = new IPEndPoint(IPAddress.Loopback, port);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
        var offset = 0;
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                for (var i = 0; i < 2; i++)
                {
                    if (offset + 1316 > ts.Length) offset = 0;
                    await client.SendAsync(ts.AsMemory(offset, 1316), target, _stop.Token);
                    offset += 1316;
                    Sent++;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}

/// <summary>A clock that keeps real time but records each delay asked of it and lets it pass at once.</summary>
public sealed class ImpatientClock : TimeProvider
{
    private readonly List<TimeSpan> _delays = [];

    public List<TimeSpan> Delays
    {
        get
        {
            lock (_delays) return _delays.ToList();
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        lock (_delays) _delays.Add(dueTime);
        return System.CreateTimer(callback, state, TimeSpan.FromMilliseconds(1), period);
    }
}

/// <summary>A clock the spec moves by hand; counts reads, so a spec can wait until the stage has looked at the new time.</summary>
public sealed class ManualClock : TimeProvider
{
    private static readonly DateTimeOffset Start = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private long _ticks;
    private long _reads;

    public long Reads => Interlocked.Read(ref _reads);

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp()
    {
        Interlocked.Increment(ref _reads);
        return Interlocked.Read(ref _ticks);
    }

    public override DateTimeOffset GetUtcNow() => Start + TimeSpan.FromTicks(Interlocked.Read(ref _ticks));

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);

    /// <summary>Waits until the clock has been read a few more times, i.e. the stage's timer has run since.</summary>
    public Task Observed()
    {
        var from = Reads;
        return IngestTesting.Until(() => Reads > from + 2, () => "the stage never read the clock again");
    }
}
