using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Akka;
using Akka.Actor;
using Akka.Cluster;
using Akka.IO;
using Akka.Streams;
using Akka.Streams.Dsl;
using Inspur.Actors.Channels;
using Inspur.Domain.Channels;
using Inspur.Host.Archive;
using Inspur.Media.Ffmpeg;
using Inspur.Media.Ingest;
using Inspur.Media.Live;
using Inspur.Media.Protection;
using Inspur.Media.Segmenting;
using ChannelSource = Inspur.Domain.Channels.ChannelSource;

namespace Inspur.Host.Delivery;

/// <summary>
/// This node's live data plane for channel entities. Passthrough: source → segmenter → hot window as rendition
/// <c>main</c>. Transcode: source → a supervised ffmpeg (stdin) → one loopback UDP output per ladder rung → a segmenter
/// per rung on a shared time anchor → hot window, so the rungs number and cut alike.
/// </summary>
public sealed class LivePipelines(ActorSystem system, LiveRegistry registry, NodeArchive archive, ContentKeys keys, ILogger<LivePipelines> log) : ILivePipelines
{
    public static readonly TimeSpan TargetDuration = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan PartTarget = TimeSpan.FromMilliseconds(400);

    /// <summary>Source bytes buffered for the transcoder's stdin while it (re)starts; older bytes are dropped beyond this.</summary>
    public const int TranscoderBacklog = 2048;

    private readonly IMaterializer _materializer = system.Materializer();

    /// <summary>Ingest graphs run on the UDP poller's thread where the node's HOCON defines the ingest dispatcher.</summary>
    private readonly Attributes _ingest = IngestDispatcher.For(system);

    public string Node => Cluster.Get(system).SelfAddress.ToString();

    public ILivePipeline Start(ChannelId channel, ChannelConfig config)
    {
        var primary = Parse(config.Source, "source") ?? throw new ArgumentException($"channel {channel}: no source");
        var backup = Parse(config.BackupSource, "backupSource");
        var onAir = new OnAirBytes();
        var input = FailoverSource.Create(IngestSources.Create(primary), backup is null ? null : IngestSources.Create(backup)).Select(onAir.Count);
        var part = config.LowLatency ? PartTarget : (TimeSpan?)null;
        var feed = archive.Settings.Enabled && config.ArchiveHours > 0 ? archive.Feed(channel.Value) : null;
        var encryption = config.Encrypted ? new LiveEncryption(keys, channel.Value) : null;
        try
        {
            archive.MarkEncrypted(channel.Value, config.Encrypted);
            return config.Transcode is { } transcode
                ? StartTranscoded(channel, input, onAir, feed, transcode, part, encryption)
                : StartPassthrough(channel, input, onAir, feed, part, encryption);
        }
        catch
        {
            feed?.Dispose();
            throw;
        }
    }

    private static ChannelSource? Parse(string? url, string field)
    {
        if (url is null) return null;
        return ChannelSource.TryParse(url, out var source, out var error) ? source : throw new ArgumentException($"{field}: {error}");
    }

    private ILivePipeline StartPassthrough(ChannelId channel, Source<ByteString, FailoverState> input, OnAirBytes onAir, ArchiveFeed? feed, TimeSpan? part,
        LiveEncryption? encryption)
    {
        var rendition = new LiveRendition("main", TargetDuration, part, encryption: encryption);
        Action<SegmenterOutput> publish = feed is null ? rendition.Accept : o =>
        {
            rendition.Accept(o);
            feed.Add(rendition.Name, o);
        };
        var ((ingest, kill), stream, done) = input
            .ViaMaterialized(KillSwitches.Single<ByteString>(), Keep.Both)
            .ViaMaterialized(Flow.FromGraph(new SegmenterStage(new SegmenterOptions
            {
                TargetDuration = TargetDuration,
                PartTarget = part,
                SourceGeneration = () => onAir.Switches,
            })), Keep.Both)
            .ToMaterialized(Sink.ForEach(publish), Keep.Both)
            .MapMaterializedValue(m => (m.Item1.Item1, m.Item1.Item2, m.Item2))
            .AddAttributes(_ingest)
            .Run(_materializer);
        onAir.State = ingest;
        registry.Publish(channel.Value, rendition);
        return new Pipeline(archive, channel.Value, registry, [rendition], ingest, onAir, feed, stream, [kill], done, transcoder: null, mustTranscode: true);
    }

    private ILivePipeline StartTranscoded(ChannelId channel, Source<ByteString, FailoverState> input, OnAirBytes onAir, ArchiveFeed? feed,
        TranscodeSettings transcode, TimeSpan? part, LiveEncryption? encryption)
    {
        var anchor = new SharedAnchor();
        var renditions = new List<LiveRendition>();
        var switches = new List<UniqueKillSwitch>();
        var completions = new List<Task>();
        var outputs = new List<(Rendition, string)>();
        TsStreamStats? firstStats = null;
        try
        {
            foreach (var rung in transcode.Ladder)
            {
                var port = FreeLoopbackUdpPort();
                var rendition = new LiveRendition(rung.Name, TargetDuration, part, encryption: encryption);
                var running = LivePipeline.RunUdp(new UdpIngestOptions(port) { BindAddress = IPAddress.Loopback },
                    new SegmenterOptions { TargetDuration = TargetDuration, PartTarget = part, SharedAnchor = anchor }, rendition, _materializer,
                    feed is null ? null : o => feed.Add(rendition.Name, o), _ingest);
                firstStats ??= running.Stream;
                renditions.Add(rendition);
                switches.Add(running.Switch);
                completions.Add(running.Completion);
                outputs.Add((new Rendition(rung.Name, rung.Width, rung.Height, rung.VideoKbps, rung.AudioKbps) { Profile = rung.Profile },
                    $"udp://127.0.0.1:{port}?pkt_size=1316"));
            }

            var backlog = System.Threading.Channels.Channel.CreateBounded<ByteString>(new BoundedChannelOptions(TranscoderBacklog)
            {
                FullMode = BoundedChannelFullMode.DropOldest,
                SingleReader = true,
                SingleWriter = true,
            });
            var job = TranscodeProfiles.Ladder("pipe:0", outputs, transcode.FrameRate, TargetDuration);
            var transcoder = new Transcoder(channel.Value, log);
            var supervisor = new FfmpegSupervisor(() => job, transcoder.Observe,
                new BackoffPolicy { Initial = TimeSpan.FromSeconds(1), Max = TimeSpan.FromSeconds(15), ResetAfter = TimeSpan.FromSeconds(30) },
                attach: (process, ct) => FeedAsync(backlog.Reader, process, ct));
            transcoder.Supervisor = supervisor;
            var (ingest, kill, fed) = input
                .ViaMaterialized(KillSwitches.Single<ByteString>(), Keep.Both)
                .ToMaterialized(Sink.ForEach<ByteString>(bytes => backlog.Writer.TryWrite(bytes)), Keep.Both)
                .MapMaterializedValue(m => (m.Item1.Item1, m.Item1.Item2, m.Item2))
                .AddAttributes(_ingest)
                .Run(_materializer);
            switches.Add(kill);
            completions.Add(fed);
            supervisor.Start();
            foreach (var r in renditions) registry.Publish(channel.Value, r);
            return new Pipeline(archive, channel.Value, registry, renditions, ingest, onAir, feed, firstStats!, switches, Task.WhenAny(completions).Unwrap(), transcoder, mustTranscode: false);
        }
        catch
        {
            foreach (var s in switches) s.Shutdown();
            throw;
        }
    }

    /// <summary>Copies buffered source bytes into one transcoder process's stdin until it exits or the channel stops.</summary>
    private static async Task FeedAsync(ChannelReader<ByteString> backlog, FfmpegProcess process, CancellationToken ct)
    {
        var stdin = process.Input!;
        using var exited = CancellationTokenSource.CreateLinkedTokenSource(ct);
        _ = process.Completion.ContinueWith(_ => exited.Cancel(), TaskScheduler.Default);
        var buffer = new byte[65536];
        while (await backlog.WaitToReadAsync(exited.Token))
        {
            while (backlog.TryRead(out var bytes))
            {
                var length = bytes.Count;
                if (length > buffer.Length) buffer = new byte[length];
                bytes.CopyTo(buffer, 0, length);
                await stdin.WriteAsync(buffer.AsMemory(0, length), exited.Token);
            }

            await stdin.FlushAsync(exited.Token);
        }
    }

    private static int FreeLoopbackUdpPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    /// <summary>What the transcoder's supervisor reported, for the channel's transcoder alarm.</summary>
    private sealed class Transcoder(string channel, ILogger log)
    {
        private string? _lastExit;

        public FfmpegSupervisor? Supervisor { get; set; }

        public int Restarts => Supervisor?.Restarts ?? 0;

        public string? LastExit => Volatile.Read(ref _lastExit);

        public void Observe(SupervisorEvent e)
        {
            switch (e)
            {
                case SupervisorEvent.Exited x:
                    Volatile.Write(ref _lastExit, x.Exit.Describe());
                    log.LogWarning("channel {Channel}: transcoder ended after {RanFor}: {Exit}", channel, x.RanFor, x.Exit.Describe());
                    break;
                case SupervisorEvent.StartFailed f:
                    Volatile.Write(ref _lastExit, f.Reason);
                    log.LogWarning("channel {Channel}: transcoder cannot start: {Reason}", channel, f.Reason);
                    break;
            }
        }
    }

    /// <summary>Bytes the failover put on the air, whichever source they came from (monotonic, for the input rate).</summary>
    private sealed class OnAirBytes
    {
        private long _bytes;

        public long Bytes => Interlocked.Read(ref _bytes);

        /// <summary>The failover's switches so far, once the pipeline runs (the segmenter marks each as a discontinuity).</summary>
        public long Switches => State?.Switches ?? 0;

        public FailoverState? State { get; set; }

        public ByteString Count(ByteString bytes)
        {
            Interlocked.Add(ref _bytes, bytes.Count);
            return bytes;
        }
    }

    private sealed class Pipeline(NodeArchive archive, string channel, LiveRegistry registry, IReadOnlyList<LiveRendition> renditions, FailoverState ingest, OnAirBytes onAir, ArchiveFeed? feed,
        TsStreamStats stream, IReadOnlyList<UniqueKillSwitch> switches, Task completion, Transcoder? transcoder, bool mustTranscode) : ILivePipeline
    {
        public Task Completion => completion;

        public IReadOnlyList<string> Renditions { get; } = renditions.Select(r => r.Name).ToList();

        public PipelineHealth Health(DateTimeOffset startedAt, DateTimeOffset now)
        {
            var onBackup = ingest.Active == FailoverInput.Backup;
            var active = onBackup ? ingest.Backup! : ingest.Primary;
            return Health(startedAt, now, onBackup, active);
        }

        private PipelineHealth Health(DateTimeOffset startedAt, DateTimeOffset now, bool onBackup, IngestStats active) => new()
        {
            At = now,
            StartedAt = startedAt,
            // Silence is silence on every source: while one still delivers, the failover puts it on the air.
            LastInput = Latest(ingest.Primary.LastReceived, ingest.Backup?.LastReceived),
            InputBytes = onAir.Bytes,
            OnBackup = onBackup,
            InputError = active.LastError ?? (onBackup ? ingest.BackupError : ingest.PrimaryError)?.Message,
            SyncLosses = stream.SyncLosses,
            ContinuityErrors = stream.ContinuityErrors,
            PatMissing = stream.PatErrors,
            PmtMissing = stream.PmtErrors,
            LastSegment = renditions.Max(r => r.LastPublished),
            TargetDuration = TargetDuration,
            TranscoderRestarts = transcoder?.Restarts ?? 0,
            TranscoderExit = transcoder?.LastExit,
            MustTranscode = mustTranscode ? renditions[0].Description?.TranscodeReason : null,
            ArchiveFailures = feed?.Failures ?? 0,
            ArchiveError = feed?.LastError,
            ArchiveNearQuota = feed is not null && archive.LastRetention is { AboveAlarm: true, QuotaBytes: { } quota } r
                ? $"the node's archive holds {r.UsageBytes / (1024 * 1024)} MiB of its {quota / (1024 * 1024)} MiB quota: the oldest hours of every channel are purged first"
                : null,
        };

        private static DateTimeOffset? Latest(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a > b ? a : b;

        public void Dispose()
        {
            foreach (var s in switches) s.Shutdown();
            if (transcoder?.Supervisor is { } supervisor) _ = supervisor.StopAsync();
            foreach (var r in renditions) registry.Remove(channel, r);
            feed?.Dispose();
        }
    }
}

/// <summary>The ingest source for a channel source URL.</summary>
public static class IngestSources
{
    public static Source<ByteString, IngestStats> Create(ChannelSource source) => source.Kind switch
    {
        SourceKind.Udp => Source.FromGraph(new UdpTsSource(source.IsMulticast
            ? new UdpIngestOptions(source.Port) { MulticastGroup = source.Address, MulticastInterface = source.Interface }
            : new UdpIngestOptions(source.Port) { BindAddress = source.Address })),
        SourceKind.Http => Source.FromGraph(new HttpTsSource(new HttpIngestOptions(new Uri(source.Url)))),
        SourceKind.File => Source.FromGraph(new FfmpegTsSource(FfmpegIngestOptions.LoopFile(source.FilePath!))),
        SourceKind.Srt => Source.FromGraph(new FfmpegTsSource(FfmpegIngestOptions.Srt(source.Url))),
        _ => throw new NotSupportedException($"{source.Kind} sources are not supported"),
    };
}
