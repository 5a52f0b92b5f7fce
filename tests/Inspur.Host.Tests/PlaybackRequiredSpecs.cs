using System.Net;
using Inspur.Domain.Security;
using Inspur.Domain.Sessions;
using Inspur.Host.Delivery;
using Inspur.Testing;

namespace Inspur.Host.Tests;

/// <summary>
/// <c>Inspur:Playback:RequireToken=true</c>, as production runs: plain media routes answer 403 in any spelling, what is
/// live and health stay reachable, a token still passes; and a node asked to require tokens without keys does not start.
/// </summary>
public sealed class PlaybackRequiredSpecs
{
    [Fact]
    public async Task Plain_media_routes_are_403_while_status_health_and_tokens_work()
    {
        var settings = PlaybackNodeFixture.KeySettings();
        settings["Inspur:Playback:RequireToken"] = "true";
        await using var node = await HostProcess.StartAsync(new HostOptions { DataDir = Repo.TempDir("playback-required"), Settings = settings });

        foreach (var path in new[]
                 {
                     "/live/any/master.m3u8", "/live/any/main/index.m3u8", "/live/any/main/1.ts", "/LIVE/any/main/1.ts", "/Live/any/master.m3u8",
                     "/archive/any/main/timeshift.m3u8?offset=5", "/archive/any/main/20261201/10/1764583200000-2000.ts", "/ARCHIVE/any/main/index-1-10.m3u8",
                 })
        {
            var problem = await ProblemAssert.IsProblemAsync(await node.Http.GetAsync(path), HttpStatusCode.Forbidden);
            Assert.Equal("Playback token required", problem.GetProperty("title").GetString());
        }

        Assert.Equal(HttpStatusCode.OK, (await node.Http.GetAsync("/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await node.Http.GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await node.Http.GetAsync("/api/v1/channels")).StatusCode);
        var ring = new TokenKeyRing(new Dictionary<string, byte[]> { ["k2"] = PlaybackNodeFixture.SigningKey }, "k2");
        var now = DateTimeOffset.UtcNow;
        var token = PlaybackToken.Sign(new PlaybackClaims(new SessionId("ses-required"), "acct-1", "stb-1", new PlaybackContent(ContentKind.Live, "any"), now, now.AddMinutes(5)), ring);
        // Through the gate the request reaches the live endpoint, which knows no such channel.
        var notLive = await ProblemAssert.IsProblemAsync(await node.Http.GetAsync($"/p/{token}/live/any/main/index.m3u8"), HttpStatusCode.NotFound);
        Assert.Equal("Channel not live", notLive.GetProperty("title").GetString());

        // URLs issued by PlaybackUrls with the same key (the playback API's and the admin preview's) pass this node's gate.
        var urls = new PlaybackUrls(new PlaybackSettings { Keys = ring, RequireToken = true }, TimeProvider.System);
        var preview = urls.Preview("/live/any/main/index.m3u8");
        Assert.StartsWith("/p/", preview);
        Assert.EndsWith("/live/any/main/index.m3u8", preview);
        await ProblemAssert.IsProblemAsync(await node.Http.GetAsync(preview), HttpStatusCode.NotFound);
        var archive = await ProblemAssert.IsProblemAsync(await node.Http.GetAsync(urls.Preview("/archive/any/main/timeshift.m3u8?offset=5")), HttpStatusCode.NotFound);
        Assert.Equal("Not in the archive", archive.GetProperty("title").GetString());
        Assert.Equal("/recordings/rec-1/index.m3u8", urls.Preview("/recordings/rec-1/index.m3u8"));
        Assert.Equal("/live/any/master.m3u8", new PlaybackUrls(new PlaybackSettings { Keys = ring }, TimeProvider.System).Preview("/live/any/master.m3u8"));

        var start = new SessionStart("acct-1", "stb-1", new PlaybackContent(ContentKind.Live, "any"));
        var view = new SessionReplies.SessionView(new SessionId("ses-entry"), start, SessionPhase.Playing, SessionPosition.LiveEdge, 1, 1, now, now, now);
        var entry = urls.Entry(view);
        Assert.Matches(@"^/p/[A-Za-z0-9_.-]+/live/any/master\.m3u8$", entry);
        Assert.Equal("Channel not live", (await ProblemAssert.IsProblemAsync(await node.Http.GetAsync(entry), HttpStatusCode.NotFound)).GetProperty("title").GetString());
        var capped = PlaybackToken.Verify(urls.Token(view.SessionId, start, TimeSpan.FromDays(30)), ring, DateTimeOffset.UtcNow).Claims!;
        Assert.Equal(new Inspur.Actors.Sessions.SessionSettings().TokenLifetime, capped.ExpiresAt - capped.IssuedAt);
    }

    [Fact]
    public async Task Requiring_tokens_without_keys_stops_the_node_with_a_clear_message()
    {
        await using var node = HostProcess.Launch(new HostOptions
        {
            DataDir = Repo.TempDir("playback-nokeys"),
            Settings = new Dictionary<string, string> { ["Inspur:Playback:RequireToken"] = "true" },
        });

        await node.EventuallyAsync(() => Task.FromResult(node.HasExited ? (bool?)true : null), TimeSpan.FromSeconds(60), "the node exiting");
        await node.EventuallyAsync(() => Task.FromResult(node.Output.Contains("Inspur:Playback:Keys") ? (bool?)true : null), TimeSpan.FromSeconds(10), "the message");
    }
}
