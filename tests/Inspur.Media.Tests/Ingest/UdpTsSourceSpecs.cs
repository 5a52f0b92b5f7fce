using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Akka.Actor;
using Akka.IO;
using Akka.Streams;
using Akka.Streams.Dsl;
using Inspur.Media.Ingest;
using Inspur.Media.Segmenting;

namespace Inspur.Media.Tests.Ingest;

/// <summary>Real ffmpeg senders on loopback into the UDP source, unicast and multicast, and its failure modes.</summary>
public sealed class UdpTsSourceSpecs : IAsyncLifetime
{
    private ActorSystem _system = null!;

    public Task InitializeAsync()
    {
        _system = ActorSystem.Create("udp-source-specs", "akka.loglevel = WARNING");
        return Task.CompletedTask;
    }

    public Task DisposeAsync() => _system.Terminate();

    private static int FreeUdpPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    /// <summary>ffmpeg playing a lavfi test pattern in real time to <paramref name="url"/> until killed.</summary>
    private static Process Sender(string url)
    {
        var info = new ProcessStartInfo("ffmpeg")
        {
            ArgumentList =
            {
                "-hide_banner", "-loglevel", "error", "-re", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25",
                "-f", "lavfi", "-i", "sine=sample_rate=48000", "-t", "30", "-c:v", "libx264", "-preset", "ultrafast", "-g", "25",
                "-keyint_min", "25", "-sc_threshold", "0", "-c:a", "aac", "-f", "mpegts", url,
            },
            RedirectStandardError = true,
        };
        return Process.Start(info)!;
    }

    private async Task<(List<SegmentReady> Segments, IngestStats Stats)> ReceiveSegments(UdpIngestOptions options, string url, int count)
    {
        var ((stats, kill), segments) = Source.FromGraph(new UdpTsSource(options))
            .ViaMaterialized(KillSwitches.Single<ByteString>(), Keep.Both)
            .Via(Flow.FromGraph(new SegmenterStage(new SegmenterOptions { TargetDuration = TimeSpan.FromSeconds(1) })))
            .Where(o => o is SegmentReady)
            .Select(o => (SegmentReady)o)
            .Take(count)
            .ToMaterialized(Sink.Seq<SegmentReady>(), Keep.Both)
            .Run(_system.Materializer());
        using var sender = Sender(url);
        try
        {
            var done = await Task.WhenAny(segments, Task.Delay(TimeSpan.FromSeconds(60)));
            Assert.True(done == segments, $"no {count} segments within 60 s; received {stats.Bytes} bytes; ffmpeg: {(sender.HasExited ? sender.StandardError.ReadToEnd() : "running")}");
            return ((await segments).ToList(), stats);
        }
        finally
        {
            kill.Shutdown();
            if (!sender.HasExited) sender.Kill(entireProcessTree: true);
            await sender.WaitForExitAsync();
        }
    }

    /// <summary>A running UDP source whose chunks are kept, with their byte count.</summary>
    private sealed class Collected(IngestStats stats, UniqueKillSwitch kill, Task done, ConcurrentQueue<ByteString> chunks, StrongBox<long> bytes)
    {
        public IngestStats Stats => stats;
        public UniqueKillSwitch Kill => kill;
        public Task Done => done;
        public ConcurrentQueue<ByteString> Chunks => chunks;
        public long Bytes => Interlocked.Read(ref bytes.Value);
        public byte[] All() => chunks.SelectMany(c => c.ToArray()).ToArray();
    }

    private Collected Collect(UdpIngestOptions options)
    {
        var chunks = new ConcurrentQueue<ByteString>();
        var bytes = new StrongBox<long>();
        var ((stats, kill), done) = Source.FromGraph(new UdpTsSource(options))
            .ViaMaterialized(KillSwitches.Single<ByteString>(), Keep.Both)
            .ToMaterialized(Sink.ForEach<ByteString>(c =>
            {
                chunks.Enqueue(c);
                Interlocked.Add(ref bytes.Value, c.Count);
            }), Keep.Both)
            .Run(_system.Materializer());
        return new Collected(stats, kill, done, chunks, bytes);
    }

    /// <summary>
    /// The socket is bound once the stage has started: sends a probe datagram every 20 ms until one reached the stream
    /// (at most 10 s), and returns how many the source counted.
    /// </summary>
    private static async Task<long> ProbeUntilSeenAsync(UdpClient client, Collected run, int port, int size)
    {
        var probe = new byte[size];
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (run.Bytes == 0 && DateTime.UtcNow < deadline)
        {
            await client.SendAsync(probe, new IPEndPoint(IPAddress.Loopback, port));
            await Task.Delay(20);
        }

        return run.Stats.Datagrams;
    }

    [Fact]
    public async Task Unicast_ts_from_ffmpeg_becomes_segments()
    {
        var port = FreeUdpPort();

        var (segments, stats) = await ReceiveSegments(new UdpIngestOptions(port) { BindAddress = IPAddress.Loopback },
            $"udp://127.0.0.1:{port}?pkt_size=1316", count: 3);

        Assert.Equal(3, segments.Count);
        Assert.True(stats.Datagrams > 0 && stats.Bytes >= segments.Sum(s => s.Bytes.Length) / 2);
        Assert.Equal(0, stats.Dropped);
        Assert.NotNull(stats.LastReceived);
    }

    [Fact]
    public async Task Multicast_is_joined_on_the_chosen_interface()
    {
        var port = FreeUdpPort();
        var group = IPAddress.Parse("239.255.42.7");

        var (segments, _) = await ReceiveSegments(
            new UdpIngestOptions(port) { MulticastGroup = group, MulticastInterface = IPAddress.Loopback },
            $"udp://{group}:{port}?pkt_size=1316&localaddr=127.0.0.1", count: 2);

        Assert.Equal(2, segments.Count);
    }

    [Fact]
    public async Task A_port_in_use_fails_the_stream_with_a_clear_error()
    {
        using var holder = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        holder.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)holder.LocalEndPoint!).Port;

        var run = Source.FromGraph(new UdpTsSource(new UdpIngestOptions(port) { BindAddress = IPAddress.Loopback }))
            .RunWith(Sink.Ignore<ByteString>(), _system.Materializer());

        var error = await Assert.ThrowsAsync<IOException>(() => run);
        Assert.Contains(port.ToString(), error.Message);
    }

    [Fact]
    public async Task A_stalled_consumer_costs_dropped_datagrams_not_memory()
    {
        var port = FreeUdpPort();
        var options = new UdpIngestOptions(port) { BindAddress = IPAddress.Loopback, BufferDatagrams = 16 };
        var queue = Source.FromGraph(new UdpTsSource(options))
            .ToMaterialized(Sink.Queue<ByteString>().WithAttributes(Attributes.CreateInputBuffer(1, 1)), Keep.Both)
            .Run(_system.Materializer());
        var (stats, sink) = queue;
        using var sender = new UdpClient();
        var datagram = new byte[1316];
        for (var i = 0; i < 2000; i++) await sender.SendAsync(datagram, new IPEndPoint(IPAddress.Loopback, port));

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (stats.Datagrams + stats.Dropped < 2000 && stats.Datagrams < 2000 && DateTime.UtcNow < deadline) await Task.Delay(50);

        Assert.True(stats.Dropped > 0, $"received {stats.Datagrams}, dropped {stats.Dropped}");
        Assert.True((await sink.PullAsync()).HasValue);
    }

    [Fact]
    public void Options_are_validated()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new UdpIngestOptions(0).Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new UdpIngestOptions(70000).Validate());
        Assert.Throws<ArgumentException>(() => new UdpIngestOptions(5000) { MulticastGroup = IPAddress.Parse("10.1.2.3") }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new UdpIngestOptions(5000) { BufferDatagrams = 1 }.Validate());
    }

    /// <summary>
    /// A burst of numbered datagrams arrives whole and in order; with a coalescing window it reaches the stream in fewer,
    /// larger chunks (never over the batch limit), without it one chunk per datagram.
    /// </summary>
    [Theory]
    [InlineData(10, true)]
    [InlineData(0, false)]
    public async Task Datagrams_within_the_coalescing_window_arrive_together_and_in_order(int coalesceMs, bool batched)
    {
        const int Datagrams = 200;
        const int Size = 1316;
        var port = FreeUdpPort();
        var options = new UdpIngestOptions(port) { BindAddress = IPAddress.Loopback, Coalesce = TimeSpan.FromMilliseconds(coalesceMs) };
        var run = Collect(options);
        var (stats, kill, received) = (run.Stats, run.Kill, run.Chunks);
        using var client = new UdpClient();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        var probes = await ProbeUntilSeenAsync(client, run, port, Size);
        var sent = new List<byte>();
        for (var i = 0; i < Datagrams; i++)
        {
            var datagram = Enumerable.Range(0, Size).Select(b => (byte)((i * 7 + b) & 0xFF)).ToArray();
            datagram[0] = (byte)i;
            sent.AddRange(datagram);
            await client.SendAsync(datagram, new IPEndPoint(IPAddress.Loopback, port));
        }

        // Every datagram must reach the stream: wait for their bytes (bounded), then stop.
        var expected = (probes + Datagrams) * Size;
        while (run.Bytes < expected && DateTime.UtcNow < deadline + TimeSpan.FromSeconds(10)) await Task.Delay(10);
        kill.Shutdown();

        Assert.Equal(0, stats.Dropped);
        Assert.Equal(expected, run.Bytes);
        var all = run.All();
        Assert.Equal(sent, all[(int)(probes * Size)..]);
        Assert.All(received, c => Assert.True(c.Count <= 64 * 1024));
        var chunksOfBurst = received.Count - (int)probes;
        if (batched) Assert.True(received.Count < probes + Datagrams, $"{received.Count} chunks for {probes + Datagrams} datagrams");
        else Assert.Equal((int)probes + Datagrams, received.Count);
        Assert.True(chunksOfBurst > 0);
    }

    /// <summary>
    /// Eight sources on one poller, sent to in turn: each stream gets exactly its own datagrams, in order, counted as
    /// datagrams (not chunks); once stopped, their sockets are closed and the poller reads none, so the ports bind again.
    /// </summary>
    [Fact]
    public async Task Sources_sharing_a_poller_get_their_own_datagrams_and_free_their_ports_when_stopped()
    {
        const int Sources = 8;
        const int Datagrams = 100;
        const int Size = 1316;
        var window = TimeSpan.FromMilliseconds(7); // a tick no other spec uses: this poller reads only these sources
        var poller = UdpIngestPoller.For(window);
        var ports = Enumerable.Range(0, Sources).Select(_ => FreeUdpPort()).ToList();
        var runs = ports.Select(port => Collect(new UdpIngestOptions(port) { BindAddress = IPAddress.Loopback, Coalesce = window })).ToList();

        // A source registers once its socket is bound.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (poller.Count < Sources && DateTime.UtcNow < deadline) await Task.Delay(10);
        Assert.Equal(Sources, poller.Count);

        byte[] Datagram(int source, int i) => Enumerable.Range(0, Size).Select(b => (byte)((source * 31 + i * 7 + b) & 0xFF)).ToArray();
        using var client = new UdpClient();
        for (var i = 0; i < Datagrams; i++)
        {
            for (var s = 0; s < Sources; s++) await client.SendAsync(Datagram(s, i), new IPEndPoint(IPAddress.Loopback, ports[s]));
        }

        deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (runs.Any(r => r.Bytes < Datagrams * Size) && DateTime.UtcNow < deadline) await Task.Delay(10);
        for (var s = 0; s < Sources; s++)
        {
            var run = runs[s];
            Assert.Equal(Enumerable.Range(0, Datagrams).SelectMany(i => Datagram(s, i)).ToArray(), run.All());
            Assert.Equal(Datagrams, run.Stats.Datagrams);
            Assert.Equal(0, run.Stats.Dropped);
            Assert.True(run.Chunks.Count < Datagrams, $"source {s}: {run.Chunks.Count} chunks for {Datagrams} datagrams");
        }

        foreach (var run in runs) run.Kill.Shutdown();
        await Task.WhenAll(runs.Select(r => r.Done));
        deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (poller.Count > 0 && DateTime.UtcNow < deadline) await Task.Delay(10);
        Assert.Equal(0, poller.Count);
        foreach (var port in ports)
        {
            using var again = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            again.Bind(new IPEndPoint(IPAddress.Loopback, port));
        }
    }

    /// <summary>
    /// A socket the kernel grants less room than a tick of a bursty feed needs is not polled (a burst could overflow it
    /// unseen): it is read as datagrams arrive, and what arrives within the window still reaches the stream as one chunk.
    /// </summary>
    [Fact]
    public async Task A_socket_the_kernel_gives_a_small_buffer_is_read_as_datagrams_arrive_and_still_batched()
    {
        const int Datagrams = 30; // 40 KB: fits the kernel's 128 KB for this socket even if it were not read at all
        const int Size = 1316;
        var window = TimeSpan.FromMilliseconds(9); // a tick no other spec uses
        var port = FreeUdpPort();
        var options = new UdpIngestOptions(port) { BindAddress = IPAddress.Loopback, Coalesce = window, ReceiveBufferBytes = 64 * 1024 };
        var run = Collect(options);
        using var client = new UdpClient();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        var probes = await ProbeUntilSeenAsync(client, run, port, Size);
        Assert.Equal(0, UdpIngestPoller.For(window).Count);
        var chunksBefore = run.Chunks.Count;
        var sent = new List<byte>();
        for (var i = 0; i < Datagrams; i++)
        {
            var datagram = Enumerable.Range(0, Size).Select(b => (byte)((i * 11 + b) & 0xFF)).ToArray();
            sent.AddRange(datagram);
            await client.SendAsync(datagram, new IPEndPoint(IPAddress.Loopback, port));
        }

        var expected = (probes + Datagrams) * Size;
        while (run.Bytes < expected && DateTime.UtcNow < deadline + TimeSpan.FromSeconds(10)) await Task.Delay(10);
        run.Kill.Shutdown();

        Assert.Equal(expected, run.Bytes);
        Assert.Equal(sent, run.All()[(int)(probes * Size)..]);
        Assert.Equal(0, run.Stats.Dropped);
        Assert.True(run.Chunks.Count - chunksBefore < Datagrams, $"{run.Chunks.Count - chunksBefore} chunks for {Datagrams} datagrams: not batched");
    }
}
