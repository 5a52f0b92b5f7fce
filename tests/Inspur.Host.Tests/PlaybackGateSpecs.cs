using System.Net;
using System.Text.Json;
using Inspur.Domain.Sessions;
using Inspur.Media.Hls;
using Inspur.Testing;

namespace Inspur.Host.Tests;

/// <summary>
/// The delivery gate on a real node: a signed token plays a live channel and its archive through <c>/p/{token}/…</c> with
/// every relative URI carrying the token, reports heartbeats to the session, refuses bad, mismatched and revoked tokens
/// with 403 and expired ones with 410, and a stopped or revoked session's next segment is refused.
/// </summary>
[Collection(PlaybackNodeCollection.Name)]
public sealed class PlaybackGateSpecs(PlaybackNodeFixture fixture)
{
    private HttpClient Http => fixture.Http;

    private static Uri Resolve(string playlistPath, string uri) => new(new Uri("http://node" + playlistPath), uri);

    /// <summary>Master → media playlist → newest segment, every hop resolved from the previous one as a player does.</summary>
    private async Task<(string SegmentPath, HttpStatusCode Status)> PlayLiveAsync(string token)
    {
        var masterPath = $"/p/{token}/live/{PlaybackNodeFixture.Channel}/master.m3u8";
        var master = PlaylistParser.ParseMaster(await Http.GetStringAsync(masterPath));
        var mediaPath = Resolve(masterPath, master.Variants[0].Uri).AbsolutePath;
        Assert.StartsWith($"/p/{token}/live/{PlaybackNodeFixture.Channel}/", mediaPath);
        var media = PlaylistParser.ParseMedia(await Http.GetStringAsync(mediaPath));
        var segmentPath = Resolve(mediaPath, media.Segments[^1].Uri).AbsolutePath;
        Assert.StartsWith($"/p/{token}/live/{PlaybackNodeFixture.Channel}/main/", segmentPath);
        using var segment = await Http.GetAsync(segmentPath);
        if (segment.IsSuccessStatusCode)
        {
            var bytes = await segment.Content.ReadAsByteArrayAsync();
            Assert.True(bytes.Length > 188 && bytes[0] == 0x47);
        }

        return (segmentPath, segment.StatusCode);
    }

    private async Task RefusedAsync(string path, HttpStatusCode status, string title)
    {
        using var response = await Http.GetAsync(path);
        var problem = await ProblemAssert.IsProblemAsync(response, status);
        Assert.Equal(title, problem.GetProperty("title").GetString());
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task A_token_plays_live_through_the_gate_and_the_session_sees_heartbeats()
    {
        var id = await fixture.StartSessionAsync();
        var token = fixture.Token(id);

        var (segment, status) = await PlayLiveAsync(token);

        Assert.Equal(HttpStatusCode.OK, status);
        using var partial = await Http.GetAsync(segment);
        Assert.Equal("public, max-age=3600, immutable", partial.Headers.CacheControl?.ToString());
        var seen = await fixture.SessionAsync(id, s => s.GetProperty("lastSeen").ValueKind == JsonValueKind.String, "a heartbeat on the session");
        Assert.Equal("Playing", seen.GetProperty("phase").GetString());
        Assert.True((DateTimeOffset.UtcNow - seen.GetProperty("lastSeen").GetDateTimeOffset()).Duration() < TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task An_archive_token_plays_the_archive_and_not_live()
    {
        var id = await fixture.StartSessionAsync("archive", position: $",\"position\":{DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds()}");
        var token = fixture.Token(id, ContentKind.Archive);
        var from = DateTimeOffset.UtcNow.AddMinutes(-10).ToUnixTimeSeconds();
        var playlistPath = $"/p/{token}/archive/{PlaybackNodeFixture.Channel}/main/index-{from}-900.m3u8";

        var playlist = PlaylistParser.ParseMedia(await Http.GetStringAsync(playlistPath));
        using var segment = await Http.GetAsync(Resolve(playlistPath, playlist.Segments[0].Uri).AbsolutePath);

        Assert.Equal(HttpStatusCode.OK, segment.StatusCode);
        Assert.Equal(0x47, (await segment.Content.ReadAsByteArrayAsync())[0]);
        await RefusedAsync($"/p/{token}/live/{PlaybackNodeFixture.Channel}/master.m3u8", HttpStatusCode.Forbidden, "Playback token not for this content");
        await RefusedAsync($"/p/{fixture.Token(id)}/archive/{PlaybackNodeFixture.Channel}/main/{fixture.ArchivedSegment}", HttpStatusCode.Forbidden,
            "Playback token not for this content");
    }

    [Fact]
    public async Task Bad_tokens_are_403_and_expired_ones_410_each_as_a_problem()
    {
        var good = fixture.Token("ses-bad-tokens");
        var media = $"/live/{PlaybackNodeFixture.Channel}/main/index.m3u8";
        var flipped = good[..^3] + (good[^3] == 'A' ? 'B' : 'A') + good[^2..];

        await RefusedAsync($"/p/{flipped}{media}", HttpStatusCode.Forbidden, "Invalid playback token");
        await RefusedAsync($"/p/{good[..^5]}{media}", HttpStatusCode.Forbidden, "Invalid playback token");
        await RefusedAsync($"/p/k9{good[2..]}{media}", HttpStatusCode.Forbidden, "Invalid playback token");
        await RefusedAsync($"/p/garbage{media}", HttpStatusCode.Forbidden, "Invalid playback token");
        await RefusedAsync($"/p/{media}", HttpStatusCode.Forbidden, "Invalid playback token");
        await RefusedAsync($"/p/{fixture.Token("ses-long", life: TimeSpan.FromDays(30))}{media}", HttpStatusCode.Forbidden, "Invalid playback token");
        await RefusedAsync($"/p/{fixture.Token("ses-other", channel: "other")}{media}", HttpStatusCode.Forbidden, "Playback token not for this content");
        await RefusedAsync($"/p/{fixture.Token("ses-vod", ContentKind.Vod)}{media}", HttpStatusCode.Forbidden, "Playback token not for this content");
        await RefusedAsync($"/p/{good}/live/other/main/index.m3u8", HttpStatusCode.Forbidden, "Playback token not for this content");
        await RefusedAsync($"/p/{good}/live/{PlaybackNodeFixture.Channel}", HttpStatusCode.Forbidden, "Playback token not for this content");
        await RefusedAsync($"/p/{good}/api/v1/channels", HttpStatusCode.Forbidden, "Playback token not for this content");
        var expired = fixture.Token("ses-expired", issued: DateTimeOffset.UtcNow.AddHours(-2), life: TimeSpan.FromHours(1));
        await RefusedAsync($"/p/{expired}{media}", HttpStatusCode.Gone, "Playback token expired");

        // The rotated-out key still verifies; the good token reaches the endpoint.
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync($"/p/{fixture.Token("ses-old-key", key: "k1")}{media}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync($"/p/{good}{media}")).StatusCode);
    }

    [Fact]
    public async Task A_stopped_sessions_next_segment_is_refused()
    {
        var id = await fixture.StartSessionAsync();
        var token = fixture.Token(id);
        var (segment, status) = await PlayLiveAsync(token);
        Assert.Equal(HttpStatusCode.OK, status);

        (await fixture.Viewers.SessionRequestAsync(id, HttpMethod.Post, $"/api/v1/sessions/{id}/stop")).EnsureSuccessStatusCode();

        await fixture.Node.EventuallyAsync(async () =>
        {
            using var response = await Http.GetAsync(segment);
            return response.StatusCode == HttpStatusCode.Forbidden ? (bool?)true : null;
        }, TimeSpan.FromSeconds(10), "the stopped session's segment refused");
        await RefusedAsync(segment, HttpStatusCode.Forbidden, "Playback revoked");
        var ended = await fixture.SessionAsync(id);
        Assert.Equal(("Ended", "Stopped"), (ended.GetProperty("phase").GetString(), ended.GetProperty("endReason").GetString()));
    }

    [Fact]
    public async Task A_revoked_subscriber_is_refused_and_its_session_ends_revoked_until_a_new_token_is_issued()
    {
        const string subscriber = "acct-suspended";
        var id = await fixture.StartSessionAsync(subscriber: subscriber);
        var token = fixture.Token(id, subscriber: subscriber);
        var (segment, status) = await PlayLiveAsync(token);
        Assert.Equal(HttpStatusCode.OK, status);

        await fixture.Viewers.Boss.JsonAsync(HttpMethod.Post, $"/subscribers/{subscriber}/revoke-tokens", """{"reason":"stolen box"}""", Viewers.Key());

        await RefusedAsync(segment, HttpStatusCode.Forbidden, "Playback revoked");
        await fixture.Viewers.SignInAsync(subscriber); // the revocation signed the box out too
        var ended = await fixture.SessionAsync(id, s => s.GetProperty("phase").GetString() == "Ended", "the revoked session ending");
        Assert.Equal("Revoked", ended.GetProperty("endReason").GetString());

        // Signed in again, the subscriber gets a new session and token (issued after the revocation), which plays.
        var again = await fixture.StartSessionAsync(subscriber: subscriber);
        var (_, after) = await PlayLiveAsync(fixture.Token(again, subscriber: subscriber, issued: DateTimeOffset.UtcNow.AddSeconds(2)));
        Assert.Equal(HttpStatusCode.OK, after);
    }

    [Fact]
    public async Task A_polling_player_keeps_its_session_and_a_silent_one_ends_idle()
    {
        var playing = await fixture.StartSessionAsync();
        var silent = await fixture.StartSessionAsync();
        var token = fixture.Token(playing);

        var until = DateTimeOffset.UtcNow + PlaybackNodeFixture.IdleTimeout * 2;
        while (DateTimeOffset.UtcNow < until)
        {
            (await Http.GetAsync($"/p/{token}/live/{PlaybackNodeFixture.Channel}/main/index.m3u8")).EnsureSuccessStatusCode();
            await Task.Delay(500);
        }

        Assert.Equal("Playing", (await fixture.SessionAsync(playing)).GetProperty("phase").GetString());
        var idle = await fixture.SessionAsync(silent, s => s.GetProperty("phase").GetString() == "Ended", "the silent session ending");
        Assert.Equal("Idle", idle.GetProperty("endReason").GetString());
    }
}
