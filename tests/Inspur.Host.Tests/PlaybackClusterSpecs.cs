using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Inspur.Domain.Security;
using Inspur.Domain.Sessions;
using Inspur.Media.Hls;
using Inspur.Testing;

namespace Inspur.Host.Tests;

/// <summary>
/// Two real nodes on one PostgreSQL and one archive folder: a channel archived by the first is served by the second, a
/// session started on the first fetches segments through the second's gate (whose heartbeats reach the session wherever
/// its shard lives), and stopping it or revoking its subscriber on the first makes the second refuse the next segment.
/// </summary>
public sealed class PlaybackClusterSpecs
{
    [Fact]
    public async Task A_revocation_on_one_node_refuses_the_next_segment_on_another()
    {
        await using var db = await PostgresDatabase.CreateAsync();
        var settings = PlaybackNodeFixture.KeySettings();
        settings["Inspur:Playback:DirectStart"] = "true";
        settings["Inspur:Playback:HeartbeatInterval"] = "1";
        settings["Inspur:Archive:Dir"] = Repo.TempDir("playback-shared-archive");
        await using var a = await HostProcess.StartAsync(new HostOptions { DataDir = Repo.TempDir("playback-a"), Postgres = db.ConnectionString, Settings = settings });
        await using var b = await HostProcess.StartAsync(new HostOptions
        {
            DataDir = Repo.TempDir("playback-b"),
            Postgres = db.ConnectionString,
            Settings = settings,
            SeedNodes = [a.AkkaAddress],
            Roles = ["edge"],
        });
        var port = Repo.FreeUdpPort();
        using var sender = new TsSender(port);
        (await a.Http.PostAsync("/api/v1/channels", Json($$"""{"id":"shared","name":"Shared","number":9,"source":"udp://127.0.0.1:{{port}}"}"""))).EnsureSuccessStatusCode();
        (await a.Http.PostAsync("/api/v1/channels/shared/start", null)).EnsureSuccessStatusCode();
        // b has no origin role and no pipeline: it serves what a archived into the shared folder.
        var segment = await b.EventuallyAsync(async () =>
        {
            using var response = await b.Http.GetAsync($"/archive/shared/main/index-{DateTimeOffset.UtcNow.AddMinutes(-10).ToUnixTimeSeconds()}-900.m3u8");
            if (!response.IsSuccessStatusCode) return null;
            var playlist = PlaylistParser.ParseMedia(await response.Content.ReadAsStringAsync());
            return playlist.Segments.Count > 0 ? playlist.Segments[0].Uri : null;
        }, TimeSpan.FromSeconds(90), "an archived segment of a's channel served by b");
        var ring = new TokenKeyRing(new Dictionary<string, byte[]> { ["k2"] = PlaybackNodeFixture.SigningKey }, "k2");

        async Task<(string Id, string Path)> StartAsync(string subscriber)
        {
            var id = $"ses-{Guid.NewGuid():N}"[..24];
            var position = DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds();
            using var started = await a.Http.PostAsync("/api/v1/sessions",
                Json($$"""{"id":"{{id}}","subscriber":"{{subscriber}}","device":"stb-1","content":"archive","channel":"shared","position":{{position}}}"""));
            Assert.True(started.IsSuccessStatusCode, await started.Content.ReadAsStringAsync());
            var now = DateTimeOffset.UtcNow;
            var token = PlaybackToken.Sign(new PlaybackClaims(new SessionId(id), subscriber, "stb-1", new PlaybackContent(ContentKind.Archive, "shared"), now, now.AddHours(1)), ring);
            return (id, $"/p/{token}/archive/shared/main/{segment}");
        }

        async Task<HttpStatusCode> OnB(string path)
        {
            using var response = await b.Http.GetAsync(path);
            if (response.IsSuccessStatusCode) Assert.Equal(0x47, (await response.Content.ReadAsByteArrayAsync())[0]);
            return response.StatusCode;
        }

        var (stopped, stoppedPath) = await StartAsync("acct-a");
        var (_, suspendedPath) = await StartAsync("acct-b");
        Assert.Equal(HttpStatusCode.OK, await OnB(stoppedPath));
        Assert.Equal(HttpStatusCode.OK, await OnB(suspendedPath));
        await a.EventuallyAsync(async () =>
            (await a.Http.GetFromJsonAsync<JsonElement>($"/api/v1/sessions/{stopped}")).GetProperty("lastSeen").ValueKind == JsonValueKind.String ? (bool?)true : null,
            TimeSpan.FromSeconds(30), "b's heartbeat on the session");

        (await a.Http.PostAsync($"/api/v1/sessions/{stopped}/stop", null)).EnsureSuccessStatusCode();
        (await a.Http.PostAsync("/api/v1/sessions/revocations", Json("""{"subscriber":"acct-b"}"""))).EnsureSuccessStatusCode();

        await b.EventuallyAsync(async () => await OnB(stoppedPath) == HttpStatusCode.Forbidden ? (bool?)true : null, TimeSpan.FromSeconds(30),
            "b refusing the segment of the session stopped on a");
        await b.EventuallyAsync(async () => await OnB(suspendedPath) == HttpStatusCode.Forbidden ? (bool?)true : null, TimeSpan.FromSeconds(30),
            "b refusing the segment of the subscriber revoked on a");
        var problem = await ProblemAssert.IsProblemAsync(await b.Http.GetAsync(stoppedPath), HttpStatusCode.Forbidden);
        Assert.Equal("Playback revoked", problem.GetProperty("title").GetString());
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");
}
