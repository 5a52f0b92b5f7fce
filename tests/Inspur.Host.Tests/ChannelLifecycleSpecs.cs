using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Inspur.Media.Hls;
using Inspur.Testing;

namespace Inspur.Host.Tests;

/// <summary>An operator's channel: created with a UDP source, started, fed by a real ffmpeg, stopped, and surviving a kill.</summary>
public sealed class ChannelLifecycleSpecs
{
    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    [Fact]
    public async Task Create_start_watch_stop()
    {
        await using var node = await HostProcess.StartAsync(new HostOptions { DataDir = Repo.TempDir("lifecycle") });
        var port = Repo.FreeUdpPort();
        using var sender = new TsSender(port);

        var created = await node.Http.PostAsync("/api/v1/channels", Json($$"""{"id":"news","name":"News","number":5,"source":"udp://127.0.0.1:{{port}}","lowLatency":true}"""));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.False((await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("running").GetBoolean());

        var started = await node.Http.PostAsync("/api/v1/channels/news/start", null);
        Assert.Equal(HttpStatusCode.OK, started.StatusCode);
        Assert.True((await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("running").GetBoolean());

        var playlist = await node.SegmentsAsync("news", 2);
        Assert.NotNull(playlist.PartTarget);
        var master = PlaylistParser.ParseMaster(await node.Http.GetStringAsync("/live/news/master.m3u8"));
        Assert.Equal((320, 240), Assert.Single(master.Variants).Resolution);

        var stopped = await node.Http.PostAsync("/api/v1/channels/news/stop", Json("""{"reason":"end of broadcast"}"""));
        Assert.Equal(HttpStatusCode.OK, stopped.StatusCode);
        Assert.False((await stopped.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("running").GetBoolean());
        await node.EventuallyAsync(async () =>
        {
            using var response = await node.Http.GetAsync("/live/news/main/index.m3u8");
            return response.StatusCode == HttpStatusCode.NotFound ? (bool?)true : null;
        }, TimeSpan.FromSeconds(20), "news to go off air");
    }

    [Fact]
    public async Task A_running_channel_comes_back_by_itself_after_a_kill_and_numbering_moves_on()
    {
        var dir = Repo.TempDir("lifecycle-restart");
        var port = Repo.FreeUdpPort();
        using var sender = new TsSender(port);
        long lastBefore;
        await using (var node = await HostProcess.StartAsync(new HostOptions { DataDir = dir }))
        {
            (await node.Http.PostAsync("/api/v1/channels", Json($$"""{"id":"sports","name":"Sports","number":6,"source":"udp://127.0.0.1:{{port}}"}"""))).EnsureSuccessStatusCode();
            (await node.Http.PostAsync("/api/v1/channels/sports/start", null)).EnsureSuccessStatusCode();
            var before = await node.SegmentsAsync("sports", 2);
            lastBefore = before.MediaSequence + before.Segments.Count - 1;
            await node.KillAsync();
        }

        await using var again = await HostProcess.StartAsync(new HostOptions { DataDir = dir });
        var after = await again.SegmentsAsync("sports", 1);

        Assert.True(after.MediaSequence > lastBefore, $"numbering went from {lastBefore} to {after.MediaSequence}");
        var channel = await again.GetJsonAsync("/api/v1/channels/sports");
        Assert.True(channel.GetProperty("running").GetBoolean());
    }

    [Fact]
    public async Task A_source_outage_raises_an_alarm_keeps_the_window_and_its_return_is_a_discontinuity()
    {
        await using var node = await HostProcess.StartAsync(new HostOptions { DataDir = Repo.TempDir("lifecycle-outage") });
        var port = Repo.FreeUdpPort();
        (await node.Http.PostAsync("/api/v1/channels", Json($$"""{"id":"outage","name":"Outage","number":11,"source":"udp://127.0.0.1:{{port}}"}"""))).EnsureSuccessStatusCode();
        (await node.Http.PostAsync("/api/v1/channels/outage/start", null)).EnsureSuccessStatusCode();

        async Task<JsonElement?> Alarms()
        {
            var channel = await node.GetJsonAsync("/api/v1/channels/outage");
            return channel.GetProperty("alarms");
        }

        long lastBeforeOutage;
        using (new TsSender(port))
        {
            var before = await node.SegmentsAsync("outage", 2);
            lastBeforeOutage = before.MediaSequence + before.Segments.Count - 1;
        }

        var kind = await node.EventuallyAsync(async () => await Alarms() is { } a && a.GetArrayLength() == 1 ? a[0].GetProperty("kind").GetString() : null,
            TimeSpan.FromSeconds(30), "the no-input alarm");
        Assert.Equal("no-input", kind);
        var pbm = await PbmProcess.RunAsync([node.OpsTarget, "channel", "status", "outage"]);
        Assert.Contains("no-input since", pbm.Stdout);
        var during = PlaylistParser.ParseMedia(await node.Http.GetStringAsync("/live/outage/main/index.m3u8"));
        Assert.True(during.Segments.Count >= 2, "the window is still served during the outage");

        using (new TsSender(port))
        {
            await node.EventuallyAsync(async () => await Alarms() is { } a && a.GetArrayLength() == 0 ? (bool?)true : null,
                TimeSpan.FromSeconds(30), "the alarm to clear");
            var after = await node.EventuallyAsync(async () =>
            {
                var p = PlaylistParser.ParseMedia(await node.Http.GetStringAsync("/live/outage/main/index.m3u8"));
                return p.Segments.Any(s => s.Discontinuity) && p.MediaSequence + p.Segments.Count - 1 > lastBeforeOutage + 1 ? p : null;
            }, TimeSpan.FromSeconds(30), "new segments after a discontinuity");
            var firstNew = after.Segments.First(s => s.Discontinuity);
            Assert.True(after.MediaSequence + after.Segments.ToList().IndexOf(firstNew) > lastBeforeOutage);
        }
    }

    [Fact]
    public async Task Bad_lifecycle_requests_are_problems_and_change_nothing()
    {
        await using var node = await HostProcess.StartAsync(new HostOptions { DataDir = Repo.TempDir("lifecycle-bad") });
        (await node.Http.PostAsync("/api/v1/channels", Json("""{"id":"quiet","name":"Quiet","number":7}"""))).EnsureSuccessStatusCode();

        Task<JsonElement> Problem(HttpResponseMessage response, HttpStatusCode status) => ProblemAssert.IsProblemAsync(response, status);

        var noSource = await Problem(await node.Http.PostAsync("/api/v1/channels/quiet/start", null), HttpStatusCode.BadRequest);
        Assert.Contains("source", noSource.GetProperty("detail").GetString());
        await Problem(await node.Http.PostAsync("/api/v1/channels/nobody/start", null), HttpStatusCode.NotFound);
        await Problem(await node.Http.PostAsync("/api/v1/channels/nobody/stop", null), HttpStatusCode.NotFound);
        await Problem(await node.Http.PostAsync("/api/v1/channels/BAD/start", null), HttpStatusCode.BadRequest);
        await Problem(await node.Http.PostAsync("/api/v1/channels/quiet/stop", Json("""{"reason":5}""")), HttpStatusCode.BadRequest);
        await Problem(await node.Http.PostAsync("/api/v1/channels/quiet/stop", Json("""{"why":"x"}""")), HttpStatusCode.BadRequest);
        await Problem(await node.Http.PostAsync("/api/v1/channels/quiet/stop", Json($$"""{"reason":"{{new string('x', 201)}}"}""")), HttpStatusCode.BadRequest);
        foreach (var (source, message) in new[] { ("rtmp://127.0.0.1:1", "scheme"), ("udp://example.com:5000", "IP address"), ("udp://127.0.0.1:5000?iface=127.0.0.1", "multicast") })
        {
            var bad = await Problem(await node.Http.PostAsync("/api/v1/channels", Json($$"""{"id":"x-{{Guid.NewGuid():N}}","name":"X","number":8,"source":"{{source}}"}""")), HttpStatusCode.BadRequest);
            Assert.Contains(message, bad.GetProperty("errors").GetProperty("source")[0].GetString());
        }

        await Problem(await node.Http.PostAsync("/api/v1/channels", Json("""{"id":"y","name":"Y","number":9,"lowLatency":"yes"}""")), HttpStatusCode.BadRequest);
        var quiet = await node.GetJsonAsync("/api/v1/channels/quiet");
        Assert.False(quiet.GetProperty("running").GetBoolean());
        Assert.Equal(1, quiet.GetProperty("version").GetInt64());
    }
}
