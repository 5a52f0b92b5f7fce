using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Inspur.Domain.Sessions;
using Inspur.Testing;

namespace Inspur.Host.Tests;

/// <summary>
/// Two real nodes on one PostgreSQL: a session started on one is gated on the other; stopping it there, or revoking its
/// subscriber, makes the other node's gate refuse the next request once pub-sub has carried the revocation; the other
/// node's heartbeats reach the session wherever its shard lives.
/// </summary>
public sealed class PlaybackClusterSpecs
{
    [Fact]
    public async Task A_revocation_on_one_node_is_enforced_by_the_gate_of_another()
    {
        await using var db = await PostgresDatabase.CreateAsync();
        var settings = PlaybackNodeFixture.KeySettings();
        settings["Inspur:Playback:DirectStart"] = "true";
        settings["Inspur:Playback:HeartbeatInterval"] = "1";
        await using var a = await HostProcess.StartAsync(new HostOptions { DataDir = Repo.TempDir("playback-a"), Postgres = db.ConnectionString, Settings = settings });
        await using var b = await HostProcess.StartAsync(new HostOptions
        {
            DataDir = Repo.TempDir("playback-b"),
            Postgres = db.ConnectionString,
            Settings = settings,
            SeedNodes = [a.AkkaAddress],
            Roles = ["edge"],
        });
        var ring = new PlaybackKeyRing(new Dictionary<string, byte[]> { ["k2"] = PlaybackNodeFixture.SigningKey }, "k2");

        async Task<(string Id, string Path)> StartAsync(string subscriber)
        {
            var id = $"ses-{Guid.NewGuid():N}"[..24];
            using var started = await a.Http.PostAsync("/api/v1/sessions", new StringContent(
                $$"""{"id":"{{id}}","subscriber":"{{subscriber}}","device":"stb-1","content":"live","channel":"elsewhere"}""", Encoding.UTF8, "application/json"));
            Assert.True(started.IsSuccessStatusCode, await started.Content.ReadAsStringAsync());
            var now = DateTimeOffset.UtcNow;
            var token = PlaybackToken.Sign(new PlaybackClaims(new SessionId(id), subscriber, "stb-1", new PlaybackContent(ContentKind.Live, "elsewhere"), now, now.AddHours(1)), ring);
            return (id, $"/p/{token}/live/elsewhere/main/index.m3u8");
        }

        async Task<string?> TitleOnB(string path)
        {
            using var response = await b.Http.GetAsync(path);
            return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("title").GetString();
        }

        var (stopped, stoppedPath) = await StartAsync("acct-a");
        var (_, suspendedPath) = await StartAsync("acct-b");
        // Through b's gate the request reaches b's live endpoint (the channel is live nowhere): the token passes there.
        Assert.Equal("Channel not live", await TitleOnB(stoppedPath));
        Assert.Equal("Channel not live", await TitleOnB(suspendedPath));
        // b's heartbeat reaches the session, wherever its shard lives.
        await a.EventuallyAsync(async () =>
            (await a.Http.GetFromJsonAsync<JsonElement>($"/api/v1/sessions/{stopped}")).GetProperty("lastSeen").ValueKind == JsonValueKind.String ? (bool?)true : null,
            TimeSpan.FromSeconds(30), "b's heartbeat on the session");

        (await a.Http.PostAsync($"/api/v1/sessions/{stopped}/stop", null)).EnsureSuccessStatusCode();
        (await a.Http.PostAsync("/api/v1/sessions/revocations", new StringContent("""{"subscriber":"acct-b"}""", Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();

        await b.EventuallyAsync(async () => await TitleOnB(stoppedPath) == "Playback revoked" ? (bool?)true : null, TimeSpan.FromSeconds(30),
            "b refusing the session stopped on a");
        await b.EventuallyAsync(async () => await TitleOnB(suspendedPath) == "Playback revoked" ? (bool?)true : null, TimeSpan.FromSeconds(30),
            "b refusing the subscriber revoked on a");
        using var refused = await b.Http.GetAsync(stoppedPath);
        await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.Forbidden);
    }
}
