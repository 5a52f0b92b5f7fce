using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Streams;
using Inspur.Actors.Channels;
using Inspur.Domain.Channels;
using Inspur.Media.Ffmpeg;
using Inspur.Media.Ingest;
using Inspur.Media.Live;
using Inspur.Media.Segmenting;

namespace Inspur.Host.Demo;

/// <summary>Demo channels: on by default so a bare node shows live TV; <c>Inspur:Demo:Enabled=false</c> turns them off.</summary>
public sealed record DemoSettings(bool Enabled, int Channels, int LowLatencyChannels, int LadderChannels)
{
    public static DemoSettings Read(IConfiguration configuration)
    {
        var section = configuration.GetSection("Inspur:Demo");
        var channels = section.GetValue("Channels", 4);
        if (channels is < 0 or > 32) throw new InvalidOperationException($"Inspur:Demo:Channels {channels} must be 0-32");
        return new DemoSettings(section.GetValue("Enabled", true), channels, section.GetValue("LowLatencyChannels", 1),
            section.GetValue("LadderChannels", 1));
    }
}

/// <summary>
/// Runs the demo channels: per channel a supervised ffmpeg lavfi sender (test pattern with the channel name and a
/// burnt-in clock, a tone) to a UDP port on loopback, and the live pipeline from that port into the hot window. The last
/// <see cref="DemoSettings.LadderChannels"/> channels send MPEG-2 instead, which a supervised ffmpeg transcodes into a
/// 3-rung H.264 ladder with aligned keyframes, each rung its own pipeline on a shared time anchor.
/// </summary>
public sealed class DemoChannels(DemoSettings settings, ActorSystem system, LiveRegistry registry, IChannelService channels, ILogger<DemoChannels> log)
    : IHostedService
{
    private const string Font = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf";
    private readonly List<FfmpegSupervisor> _senders = [];
    private readonly List<RunningPipeline> _pipelines = [];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!settings.Enabled || settings.Channels == 0) return;
        var materializer = system.Materializer();
        for (var i = 1; i <= settings.Channels; i++)
        {
            var id = $"demo-{i}";
            // The first channels are LL-HLS, the last ones ladders; low latency wins where they would overlap.
            var ladder = i > Math.Max(settings.LowLatencyChannels, settings.Channels - settings.LadderChannels);
            var lowLatency = !ladder && i <= settings.LowLatencyChannels;
            try
            {
                if (ladder)
                {
                    StartLadder(id, i, materializer);
                    _ = EnsureChannelAsync(id, i, source: null, lowLatency: false);
                }
                else
                {
                    var port = FreeUdpPort();
                    Supervise(id, () => Sender(id, i, port, mpeg2: false));
                    _ = EnsureChannelAsync(id, i, $"udp://127.0.0.1:{port}", lowLatency);
                    log.LogInformation("demo channel {Channel} from udp://127.0.0.1:{Port}{LowLatency}: /live/{Channel}/master.m3u8", id, port, lowLatency ? " (LL-HLS)" : "", id);
                }
            }
            catch (Exception ex) when (ex is IOException or SocketException)
            {
                log.LogWarning(ex, "demo channel {Channel} cannot start", id);
            }
        }

        await Task.CompletedTask;
    }

    /// <summary>MPEG-2 in (as many broadcast feeds are), an H.264 ladder out: sender → UDP → transcoder → 3 × UDP → 3 pipelines.</summary>
    private void StartLadder(string id, int index, IMaterializer materializer)
    {
        var anchor = new SharedAnchor();
        var rungs = new[] { new Rendition("360p", 640, 360, 900), new Rendition("270p", 480, 270, 500) { Profile = "main" }, new Rendition("180p", 320, 180, 250) { Profile = "main", AudioKbps = 64 } };
        var outputs = new List<(Rendition, string)>();
        foreach (var rung in rungs)
        {
            var port = FreeUdpPort();
            var rendition = new LiveRendition(rung.Name, Target, null);
            _pipelines.Add(LivePipeline.RunUdp(new UdpIngestOptions(port) { BindAddress = IPAddress.Loopback },
                new SegmenterOptions { TargetDuration = Target, SharedAnchor = anchor }, rendition, materializer));
            registry.Publish(id, rendition);
            outputs.Add((rung, $"udp://127.0.0.1:{port}?pkt_size=1316"));
        }

        var source = FreeUdpPort();
        var input = $"udp://127.0.0.1:{source}?fifo_size=100000&overrun_nonfatal=1";
        Supervise($"{id} transcoder", () => TranscodeProfiles.Ladder(input, outputs, 25, Target));
        Supervise(id, () => Sender(id, index, source, mpeg2: true));
        log.LogInformation("demo channel {Channel}: MPEG-2 on udp://127.0.0.1:{Port} transcoded to {Rungs}: /live/{Channel}/master.m3u8",
            id, source, string.Join("/", rungs.Select(r => r.Name)), id);
    }

    private void Supervise(string what, Func<FfmpegJob> job)
    {
        var supervisor = new FfmpegSupervisor(job, e => Report(what, e), new BackoffPolicy { Initial = TimeSpan.FromSeconds(1) });
        supervisor.Start();
        _senders.Add(supervisor);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var sender in _senders) await sender.StopAsync();
        foreach (var pipeline in _pipelines) pipeline.Switch.Shutdown();
    }

    private static readonly TimeSpan Target = TimeSpan.FromSeconds(2);

    private static FfmpegJob Sender(string id, int index, int port, bool mpeg2)
    {
        var video = $"testsrc2=size=640x360:rate=25";
        if (File.Exists(Font))
        {
            video += $",drawtext=fontfile={Font}:text='{id}':x=20:y=20:fontsize=36:fontcolor=white:box=1:boxcolor=black@0.6," +
                     $"drawtext=fontfile={Font}:text='%{{gmtime}} UTC':x=20:y=h-50:fontsize=28:fontcolor=white:box=1:boxcolor=black@0.6";
        }

        return new FfmpegJob(
        [
            "-re", "-f", "lavfi", "-i", video,
            "-f", "lavfi", "-i", $"sine=frequency={(300 + 100 * index).ToString(CultureInfo.InvariantCulture)}:sample_rate=48000",
            .. mpeg2
                ? new[] { "-c:v", "mpeg2video", "-b:v", "3M", "-g", "12", "-c:a", "mp2", "-b:a", "192k" }
                : ["-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency", "-profile:v", "main", "-b:v", "800k",
                    "-g", "50", "-keyint_min", "50", "-sc_threshold", "0", "-c:a", "aac", "-b:a", "96k"],
            "-f", "mpegts", $"udp://127.0.0.1:{port}?pkt_size=1316",
        ]);
    }

    private void Report(string id, SupervisorEvent e)
    {
        switch (e)
        {
            case SupervisorEvent.Exited x:
                log.LogWarning("demo channel {Channel}: sender ended: {Exit}", id, x.Exit.Describe());
                break;
            case SupervisorEvent.StartFailed f:
                log.LogWarning("demo channel {Channel}: sender cannot start: {Reason}", id, f.Reason);
                break;
        }
    }

    /// <summary>
    /// The channel entity is created (or its source updated: demo ports change per run) and, when it has a source,
    /// started, so the entity runs the pipeline like any operator's channel. Retried while the cluster forms.
    /// </summary>
    private async Task EnsureChannelAsync(string id, int index, string? source, bool lowLatency)
    {
        var channelId = new ChannelId(id);
        var config = new ChannelConfig($"Demo {index}", 900 + index) { Source = source, LowLatency = lowLatency };
        for (var attempt = 0; attempt < 10; attempt++)
        {
            try
            {
                var reply = await channels.CreateAsync(channelId, config);
                if (reply is ChannelReplies.ChannelRejected { Reason: ChannelRejection.AlreadyExists })
                    reply = await channels.UpdateAsync(channelId, config);
                if (reply is ChannelReplies.ChannelRejected rejected)
                {
                    log.LogWarning("demo channel {Channel}: {Reason}", id, rejected.Message);
                    return;
                }

                if (source is not null) await channels.StartAsync(channelId);
                return;
            }
            catch (AskTimeoutException)
            {
            }
        }

        log.LogWarning("demo channel {Channel}: could not register the channel entity", id);
    }

    private static int FreeUdpPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
