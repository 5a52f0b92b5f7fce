using System.Net;
using System.Text.Json;
using Inspur.Media.Hls;
using Inspur.Testing;

namespace Inspur.Host.Tests;

/// <summary>
/// The operator's kick through the signed BOSS API on a real node: an account's active sessions are listed from its stream
/// leases; a kick ends the session as kicked, frees its stream and refuses its very next playlist and segment request; a
/// retried kick answers the same; kicking what ended otherwise, an unknown or malformed session, or listing an unknown or
/// malformed account is a problem that changes nothing.
/// </summary>
[Collection(PlaybackApiCollection.Name)]
public sealed class SessionKickSpecs(PlaybackApiFixture fixture)
{
    private HttpClient Http => fixture.Node.Http;

    private BossClient Boss => fixture.Boss;

    /// <summary>The granted URL's master playlist, its media playlist and newest segment, each answered 200 through the gate.</summary>
    private async Task<(string Media, string Segment)> PlayingAsync(string url)
    {
        var master = PlaylistParser.ParseMaster(await OkTextAsync(url));
        var media = url[..(url.LastIndexOf('/') + 1)] + master.Variants[0].Uri;
        var playlist = PlaylistParser.ParseMedia(await OkTextAsync(media));
        var segment = media[..(media.LastIndexOf('/') + 1)] + playlist.Segments[^1].Uri;
        using var bytes = await Http.GetAsync(segment);
        Assert.Equal(HttpStatusCode.OK, bytes.StatusCode);
        return (media, segment);
    }

    private async Task<string> OkTextAsync(string url)
    {
        using var response = await Http.GetAsync(url);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {url}: {response.StatusCode} {text}");
        return text;
    }

    private async Task<List<JsonElement>> SessionsAsync(string subscriber) =>
        (await Boss.GetAsync($"/subscribers/{subscriber}/sessions")).EnumerateArray().ToList();

    [Fact]
    public async Task A_kick_ends_the_session_frees_its_stream_and_refuses_its_next_playlist_and_segment()
    {
        var id = await fixture.AccountAsync("kick-1", streams: 1);
        var grant = await fixture.GrantedAsync(id);
        var session = grant.GetProperty("session").GetString()!;
        var (media, segment) = await PlayingAsync(grant.GetProperty("url").GetString()!);

        var listed = Assert.Single(await SessionsAsync(id));
        Assert.Equal((session, "Playing", "stb-1", "live", "news"), (listed.GetProperty("id").GetString(), listed.GetProperty("phase").GetString(),
            listed.GetProperty("device").GetString(), listed.GetProperty("content").GetString(), listed.GetProperty("channel").GetString()));
        await ProblemAssert.IsProblemAsync(await fixture.PlayAsync(fixture.SignedIn(id), """{"channel":"news"}"""), HttpStatusCode.Conflict);
        Assert.Equal(session, Assert.Single((await Boss.GetAsync($"/subscribers/{id}/usage")).GetProperty("sessions").EnumerateArray()).GetProperty("id").GetString());

        var kicked = await Boss.JsonAsync(HttpMethod.Delete, $"/sessions/{session}");
        Assert.Equal(("Ended", "Kicked"), (kicked.GetProperty("phase").GetString(), kicked.GetProperty("endReason").GetString()));

        // Refused on this node as the kick answered: no waiting for pub-sub.
        var refused = await ProblemAssert.IsProblemAsync(await Http.GetAsync(media), HttpStatusCode.Forbidden);
        Assert.Equal("Playback revoked", refused.GetProperty("title").GetString());
        await ProblemAssert.IsProblemAsync(await Http.GetAsync(segment), HttpStatusCode.Forbidden);
        Assert.Equal("Kicked", (await fixture.Viewers.SessionAsync(session)).GetProperty("endReason").GetString());
        Assert.Empty(await SessionsAsync(id));
        Assert.Empty((await Boss.GetAsync($"/subscribers/{id}/usage")).GetProperty("sessions").EnumerateArray());

        // The kick answered again, unchanged, when retried (signed anew: the same signature twice is a replay the BOSS guard refuses).
        using var retry = await Boss.SendAsync(HttpMethod.Delete, $"/sessions/{session}", timestamp: DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1);
        var retried = await retry.Content.ReadAsStringAsync();
        Assert.True(retry.StatusCode == HttpStatusCode.OK, retried);
        var again = JsonDocument.Parse(retried).RootElement;
        Assert.Equal((kicked.GetProperty("version").GetInt64(), "Kicked"), (again.GetProperty("version").GetInt64(), again.GetProperty("endReason").GetString()));

        // The one stream the account may play is free again.
        var next = await fixture.Node.EventuallyAsync(async () =>
        {
            using var response = await fixture.PlayAsync(fixture.SignedIn(id), """{"channel":"news"}""");
            return response.StatusCode == HttpStatusCode.Created ? JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("session").GetString() : null;
        }, TimeSpan.FromSeconds(30), "a stream freed by the kick");
        Assert.Equal(next, Assert.Single(await SessionsAsync(id)).GetProperty("id").GetString());
    }

    [Fact]
    public async Task Kicking_a_session_the_player_stopped_is_a_conflict_and_changes_nothing()
    {
        var id = await fixture.AccountAsync("kick-2");
        var session = (await fixture.GrantedAsync(id)).GetProperty("session").GetString()!;
        (await fixture.Viewers.SessionRequestAsync(session, HttpMethod.Post, $"/api/v1/sessions/{session}/stop")).EnsureSuccessStatusCode();

        var problem = await Boss.ProblemAsync(HttpMethod.Delete, $"/sessions/{session}", null, null, HttpStatusCode.Conflict);
        Assert.Equal("Session ended", problem.GetProperty("title").GetString());
        Assert.Equal("Stopped", (await fixture.Viewers.SessionAsync(session)).GetProperty("endReason").GetString());
        Assert.Empty(await SessionsAsync(id));
    }

    [Fact]
    public async Task An_unknown_session_is_404_and_stays_unknown()
    {
        var problem = await Boss.ProblemAsync(HttpMethod.Delete, "/sessions/ses-0000000000000000dead", null, null, HttpStatusCode.NotFound);
        Assert.Equal("Session not found", problem.GetProperty("title").GetString());
        await fixture.AccountAsync("kick-unknown");
        await ProblemAssert.IsProblemAsync(await fixture.Viewers.SendAsync("kick-unknown", HttpMethod.Get, "/api/v1/sessions/ses-0000000000000000dead"), HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("DELETE", "/sessions/SES-UPPER", "sessionId")]
    [InlineData("DELETE", "/sessions/ses_under_score", "sessionId")]
    [InlineData("GET", "/subscribers/Not-An-Id/sessions", "id")]
    public async Task A_malformed_id_is_a_validation_problem_naming_the_field(string method, string target, string field)
    {
        var problem = await Boss.ProblemAsync(new HttpMethod(method), target, null, null, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task The_sessions_of_an_unknown_account_are_404()
    {
        var problem = await Boss.ProblemAsync(HttpMethod.Get, "/subscribers/nobody-here/sessions", null, null, HttpStatusCode.NotFound);
        Assert.Contains("nobody-here", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task An_unsigned_kick_is_401_and_the_session_plays_on()
    {
        var id = await fixture.AccountAsync("kick-3");
        var grant = await fixture.GrantedAsync(id);
        var session = grant.GetProperty("session").GetString()!;
        using var unsigned = new HttpRequestMessage(HttpMethod.Delete, $"{BossClient.Prefix}/sessions/{session}");
        await ProblemAssert.IsProblemAsync(await Http.SendAsync(unsigned), HttpStatusCode.Unauthorized);
        using var wrong = await new BossClient(fixture.Node, secret: "guess").SendAsync(HttpMethod.Delete, $"/sessions/{session}");
        await ProblemAssert.IsProblemAsync(wrong, HttpStatusCode.Unauthorized);

        Assert.Equal("Playing", (await fixture.Viewers.SessionAsync(session)).GetProperty("phase").GetString());
        await PlayingAsync(grant.GetProperty("url").GetString()!);
    }

    [Fact]
    public async Task The_directory_finds_an_account_by_a_devices_mac_written_with_dashes_and_by_its_serial()
    {
        var id = await fixture.AccountAsync("kick-mac");
        await Boss.JsonAsync(HttpMethod.Post, $"/subscribers/{id}/devices", """{"id":"stb-9","kind":"stb","mac":"00:1A:2B:3C:4D:9E","serial":"KICK-SN-9"}""",
            PlaybackApiFixture.Key());

        Assert.Contains((await Boss.GetAsync("/subscribers?q=00-1a-2b-3c-4d-9e")).EnumerateArray(), s => s.GetProperty("id").GetString() == id);
        Assert.Contains((await Boss.GetAsync("/subscribers?q=kick-sn-9")).EnumerateArray(), s => s.GetProperty("id").GetString() == id);
        Assert.DoesNotContain((await Boss.GetAsync("/subscribers?q=00-1a-2b-3c-4d-9f")).EnumerateArray(), s => s.GetProperty("id").GetString() == id);
    }
}
