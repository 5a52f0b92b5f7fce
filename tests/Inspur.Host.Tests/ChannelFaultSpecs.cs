using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Inspur.Media.Hls;
using Inspur.Testing;

namespace Inspur.Host.Tests;

/// <summary>
/// Channels whose input needs work or breaks: an MPEG-2 feed transcoded into an H.264 ladder by the entity's own
/// pipeline, its transcoder killed (alarm raised, restarted, alarm cleared, numbering going on), and the same feed
/// configured as passthrough, which asks for a ladder.
/// </summary>
public sealed class ChannelFaultSpecs
{
    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    [Fact]
    public async Task An_mpeg2_feed_is_transcoded_to_a_ladder_and_a_killed_transcoder_comes_back_with_an_alarm_raised_and_cleared()
    {
        await using var node = await HostProcess.StartAsync(new HostOptions { DataDir = Repo.TempDir("fault-transcode") });
        var port = Repo.FreeUdpPort();
        using var sender = new TsSender(port, mpeg2: true, seconds: 300);
        var created = await node.Http.PostAsync("/api/v1/channels", Json($$"""
            {"id":"broadcast","name":"Broadcast","number":3,"source":"udp://127.0.0.1:{{port}}",
             "transcode":{"ladder":[{"name":"180p","width":320,"height":180,"videoKbps":300,"profile":"main"},
                                    {"name":"144p","width":256,"height":144,"videoKbps":150,"audioKbps":64,"profile":"main"} ] } }
            """));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        (await node.Http.PostAsync("/api/v1/channels/broadcast/start", null)).EnsureSuccessStatusCode();

        await node.SegmentsAsync("broadcast", 2, "144p");
        var before = await node.SegmentsAsync("broadcast", 2, "180p");
        var master = PlaylistParser.ParseMaster(await node.Http.GetStringAsync("/live/broadcast/master.m3u8"));
        Assert.Equal([(320, 180), (256, 144)], master.Variants.Select(v => v.Resolution!.Value));
        Assert.All(master.Variants, v => Assert.StartsWith("avc1.", v.Codecs));
        var live = await node.ChannelAsync("broadcast", c => c.Phase() == "Live" && c.GetProperty("live").ValueKind == JsonValueKind.Object &&
                                                           c.GetProperty("live").GetProperty("inputKbps").GetInt64() > 0, "broadcast live with an input bitrate");
        Assert.Equal(["180p", "144p"], live.GetProperty("live").GetProperty("renditions").EnumerateArray().Select(r => r.GetString()));
        Assert.False(live.HasAlarm("must-transcode"));

        var transcoder = Assert.Single(TsSender.ChildrenOf(node.Pid, "pipe:0"));
        System.Diagnostics.Process.GetProcessById(transcoder).Kill();

        var alarmed = await node.ChannelAsync("broadcast", c => c.HasAlarm("transcoder-crash"), "the transcoder alarm");
        Assert.Contains("transcoder restarted", alarmed.AlarmDetail("transcoder-crash"));
        await node.ChannelAsync("broadcast", c => !c.HasAlarm("transcoder-crash") && c.Phase() == "Live", "the transcoder alarm to clear", 90);
        var restarted = Assert.Single(TsSender.ChildrenOf(node.Pid, "pipe:0"));
        Assert.NotEqual(transcoder, restarted);

        var after = await node.EventuallyAsync(async () =>
        {
            var playlist = PlaylistParser.ParseMedia(await node.Http.GetStringAsync("/live/broadcast/180p/index.m3u8"));
            return playlist.MediaSequence > before.MediaSequence + before.Segments.Count ? playlist : null;
        }, TimeSpan.FromSeconds(60), "segments after the restart");
        Assert.True(after.MediaSequence > before.MediaSequence);

        // Stopping takes the transcoder with it.
        (await node.Http.PostAsync("/api/v1/channels/broadcast/stop", null)).EnsureSuccessStatusCode();
        await node.EventuallyAsync(() => Task.FromResult(TsSender.ChildrenOf(node.Pid, "pipe:0").Count == 0 ? (bool?)true : null),
            TimeSpan.FromSeconds(30), "the transcoder to end with the channel");
    }

    [Fact]
    public async Task An_mpeg2_feed_as_passthrough_is_degraded_with_a_must_transcode_alarm()
    {
        await using var node = await HostProcess.StartAsync(new HostOptions { DataDir = Repo.TempDir("fault-passthrough") });
        var port = Repo.FreeUdpPort();
        using var sender = new TsSender(port, mpeg2: true);
        (await node.Http.PostAsync("/api/v1/channels", Json($$"""{"id":"raw","name":"Raw","number":4,"source":"udp://127.0.0.1:{{port}}"}"""))).EnsureSuccessStatusCode();
        (await node.Http.PostAsync("/api/v1/channels/raw/start", null)).EnsureSuccessStatusCode();

        var degraded = await node.ChannelAsync("raw", c => c.HasAlarm("must-transcode") && c.Phase() == "Degraded", "the must-transcode alarm");
        Assert.Contains("MPEG-2", degraded.AlarmDetail("must-transcode"));
        Assert.Contains("must-transcode", degraded.GetProperty("phaseReason").GetString());
    }

    [Fact]
    public async Task A_lossy_feed_raises_the_tr101290_alarm_and_a_clean_one_clears_it()
    {
        await using var node = await HostProcess.StartAsync(new HostOptions { DataDir = Repo.TempDir("fault-lossy") });
        int senderPort = Repo.FreeUdpPort(), channelPort = Repo.FreeUdpPort();
        using var relay = new UdpRelay(senderPort, channelPort);
        using var sender = new TsSender(senderPort, seconds: 300);
        (await node.Http.PostAsync("/api/v1/channels", Json($$"""{"id":"lossy","name":"Lossy","number":5,"source":"udp://127.0.0.1:{{channelPort}}"}"""))).EnsureSuccessStatusCode();
        (await node.Http.PostAsync("/api/v1/channels/lossy/start", null)).EnsureSuccessStatusCode();
        await node.ChannelAsync("lossy", c => c.Phase() == "Live", "lossy live");

        // One datagram in 20 lost: every loss is a continuity error on the PIDs it carried.
        relay.Drop = i => i % 20 == 0;
        var alarmed = await node.ChannelAsync("lossy", c => c.HasAlarm("tr101290"), "the TR 101 290 alarm");
        Assert.Contains("continuity", alarmed.AlarmDetail("tr101290"));
        Assert.Equal("Degraded", alarmed.GetProperty("phase").GetString());

        relay.Drop = null;
        await node.ChannelAsync("lossy", c => !c.HasAlarm("tr101290") && c.Phase() == "Live", "the alarm to clear after a quiet spell", 90);
    }

    [Fact]
    public async Task A_feed_that_thins_to_a_trickle_raises_bitrate_collapse()
    {
        await using var node = await HostProcess.StartAsync(new HostOptions { DataDir = Repo.TempDir("fault-thin") });
        int senderPort = Repo.FreeUdpPort(), channelPort = Repo.FreeUdpPort();
        using var relay = new UdpRelay(senderPort, channelPort);
        using var sender = new TsSender(senderPort, seconds: 300);
        (await node.Http.PostAsync("/api/v1/channels", Json($$"""{"id":"thin","name":"Thin","number":7,"source":"udp://127.0.0.1:{{channelPort}}"}"""))).EnsureSuccessStatusCode();
        (await node.Http.PostAsync("/api/v1/channels/thin/start", null)).EnsureSuccessStatusCode();
        // A baseline of at least three rate windows (15 s) of the full feed first.
        await node.ChannelAsync("thin", c => c.Phase() == "Live", "thin live");
        var baseline = DateTime.UtcNow + TimeSpan.FromSeconds(16);
        await node.ChannelAsync("thin", c => DateTime.UtcNow > baseline, "a baseline of the full feed", 60);

        relay.Drop = i => i % 10 != 0;
        var collapsed = await node.ChannelAsync("thin", c => c.HasAlarm("bitrate-collapse"), "the bitrate-collapse alarm");
        Assert.Contains("down from", collapsed.AlarmDetail("bitrate-collapse"));
        Assert.False(collapsed.HasAlarm("no-input"));
    }

    [Fact]
    public async Task A_port_taken_after_creation_fails_the_channel_with_a_pipeline_alarm_until_it_is_free()
    {
        await using var node = await HostProcess.StartAsync(new HostOptions { DataDir = Repo.TempDir("fault-port") });
        var port = Repo.FreeUdpPort();
        (await node.Http.PostAsync("/api/v1/channels", Json($$"""{"id":"blocked","name":"Blocked","number":6,"source":"udp://127.0.0.1:{{port}}"}"""))).EnsureSuccessStatusCode();

        var squatter = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Udp);
        squatter.Bind(new IPEndPoint(IPAddress.Loopback, port));
        (await node.Http.PostAsync("/api/v1/channels/blocked/start", null)).EnsureSuccessStatusCode();
        var failed = await node.ChannelAsync("blocked", c => c.Phase() == "Failed" && c.HasAlarm("pipeline"), "the pipeline alarm");
        Assert.Contains($"{port}", failed.AlarmDetail("pipeline"));

        squatter.Dispose();
        using var sender = new TsSender(port);
        await node.ChannelAsync("blocked", c => c.Phase() == "Live" && !c.HasAlarm("pipeline"), "blocked live once the port is free", 90);

        // The journal tells the story, newest first: failed with the pipeline alarm, then live and cleared.
        var alarms = await node.GetJsonAsync("/api/v1/channels/blocked/alarms");
        Assert.Empty(alarms.GetProperty("active").EnumerateArray());
        var history = alarms.GetProperty("history").EnumerateArray().Select(e => (What: e.GetProperty("what").GetString(), Kind: e.GetProperty("kind").GetString())).ToList();
        Assert.Equal(("phase", "Live"), history[0]);
        var cleared = history.IndexOf(("alarm-cleared", "pipeline"));
        var raised = history.IndexOf(("alarm-raised", "pipeline"));
        Assert.True(cleared >= 0 && raised > cleared, string.Join(", ", history));
        Assert.Contains(("phase", "Failed"), history);
        Assert.Equal(("phase", "Starting"), history[^1]);
        await ProblemAssert.IsProblemAsync(await node.Http.GetAsync("/api/v1/channels/nobody/alarms"), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await node.Http.GetAsync("/api/v1/channels/blocked/alarms?limit=0"), HttpStatusCode.BadRequest);
    }
}
