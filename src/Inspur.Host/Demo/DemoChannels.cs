using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Inspur.Actors.Channels;
using Inspur.Domain.Channels;
using Inspur.Media.Ffmpeg;

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
/// burnt-in clock, a tone) to a UDP port on loopback, and a channel entity whose source is that port, so the entity runs
/// the pipeline like any operator's channel. The last <see cref="DemoSettings.LadderChannels"/> channels send MPEG-2
/// instead, as many broadcast feeds do, and are configured with a 3-rung H.264 transcode ladder.
/// </summary>
public sealed class DemoChannels(DemoSettings settings, IChannelService channels, ILogger<DemoChannels> log) : IHostedService
{
    private const string Font = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf";

    /// <summary>The demo ladder: small rungs, so a laptop transcodes them in real time next to everything else.</summary>
    public static readonly TranscodeSettings Ladder = new([
        new LadderRung("360p", 640, 360, 900),
        new LadderRung("270p", 480, 270, 500) { Profile = "main" },
        new LadderRung("180p", 320, 180, 250, 64) { Profile = "main" },
    ]);

    private readonly List<FfmpegSupervisor> _senders = [];

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!settings.Enabled || settings.Channels == 0) return Task.CompletedTask;
        for (var i = 1; i <= settings.Channels; i++)
        {
            var id = $"demo-{i}";
            // The first channels are LL-HLS, the last ones ladders; low latency wins where they would overlap.
            var ladder = i > Math.Max(settings.LowLatencyChannels, settings.Channels - settings.LadderChannels);
            var lowLatency = !ladder && i <= settings.LowLatencyChannels;
            var port = FreeUdpPort();
            var index = i;
            Supervise(id, () => Sender(id, index, port, mpeg2: ladder));
            var source = $"udp://127.0.0.1:{port}";
            _ = EnsureChannelAsync(id, i, new ChannelConfig($"Demo {i}", 900 + i)
            {
                Source = source,
                LowLatency = lowLatency,
                Genre = "Demo",
                Transcode = ladder ? Ladder : null,
            });
            log.LogInformation("demo channel {Channel} from {Source}{Kind}: /live/{Channel}/master.m3u8", id, source,
                ladder ? " (MPEG-2, transcoded to " + string.Join("/", Ladder.Ladder.Select(r => r.Name)) + ")" : lowLatency ? " (LL-HLS)" : "", id);
        }

        return Task.CompletedTask;
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
    }

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
    /// The channel entity is created (or its config updated: demo ports change per run) and started. Retried while the
    /// cluster forms.
    /// </summary>
    private async Task EnsureChannelAsync(string id, int index, ChannelConfig config)
    {
        var channelId = new ChannelId(id);
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

                await channels.StartAsync(channelId);
                return;
            }
            catch (AskTimeoutException)
            {
            }
        }

        log.LogWarning("demo channel {Channel} {Index}: could not register the channel entity", id, index);
    }

    private static int FreeUdpPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
