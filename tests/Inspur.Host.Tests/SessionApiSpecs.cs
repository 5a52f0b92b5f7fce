using System.Net;
using System.Text;
using Inspur.Testing;

namespace Inspur.Host.Tests;

/// <summary>
/// REST <c>/api/v1/sessions</c> on a real node: a player steering its own session with its access token, and a problem for
/// every kind of bad input, including no token and another account's session.
/// </summary>
[Collection(PlaybackNodeCollection.Name)]
public sealed class SessionApiSpecs(PlaybackNodeFixture fixture)
{
    private HttpClient Http => fixture.Http;

    private static StringContent Json(string body) => PlaybackNodeFixture.Json(body);

    /// <summary>The session's own player asking.</summary>
    private Task<HttpResponseMessage> PostAsync(string id, string action, HttpContent? body = null) =>
        fixture.Viewers.SessionRequestAsync(id, HttpMethod.Post, $"/api/v1/sessions/{id}/{action}", body);

    private async Task<System.Text.Json.JsonElement> OkAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {text}");
        return System.Text.Json.JsonDocument.Parse(text).RootElement;
    }

    [Fact]
    public async Task Pause_resume_seek_rate_and_stop_steer_a_session()
    {
        var id = await fixture.StartSessionAsync();
        var started = await fixture.SessionAsync(id);
        Assert.Equal(("Playing", "live", "gate", 0.0), (started.GetProperty("phase").GetString(), started.GetProperty("content").GetString(),
            started.GetProperty("channel").GetString(), started.GetProperty("behindLive").GetDouble()));

        Assert.Equal("Paused", (await OkAsync(await PostAsync(id, "pause", null))).GetProperty("phase").GetString());
        Assert.Equal("Paused", (await OkAsync(await PostAsync(id, "pause", null))).GetProperty("phase").GetString());
        Assert.Equal("Playing", (await OkAsync(await PostAsync(id, "resume", null))).GetProperty("phase").GetString());
        var sought = await OkAsync(await PostAsync(id, "seek", Json("""{"behindLive":30}""")));
        Assert.InRange(sought.GetProperty("behindLive").GetDouble(), 30, 31);
        Assert.Equal(2, (await OkAsync(await PostAsync(id, "rate", Json("""{"rate":2}""")))).GetProperty("rate").GetDouble());
        var stopped = await OkAsync(await PostAsync(id, "stop", Json("""{"reason":"stopped"}""")));
        Assert.Equal(("Ended", "Stopped"), (stopped.GetProperty("phase").GetString(), stopped.GetProperty("endReason").GetString()));
    }

    [Fact]
    public async Task An_archive_session_seeks_by_programme_time()
    {
        var id = await fixture.StartSessionAsync("archive", position: ",\"position\":\"2026-11-30T20:00:00Z\"");
        var sought = await OkAsync(await PostAsync(id, "seek", Json("""{"position":"2026-11-30T21:30:00+08:00"}""")));

        // Playing at rate 1, it has moved on by the moment of the answer.
        var at = sought.GetProperty("position").GetDateTimeOffset() - DateTimeOffset.Parse("2026-11-30T13:30:00Z");
        Assert.InRange(at, TimeSpan.Zero, TimeSpan.FromSeconds(10));
        await ProblemAssert.IsProblemAsync(await PostAsync(id, "seek", Json("""{"behindLive":10}""")), HttpStatusCode.BadRequest);
        await ProblemAssert.IsProblemAsync(await PostAsync(id, "seek", Json("""{"position":"2099-01-01T00:00:00Z"}""")), HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("GET", "/api/v1/sessions/ses-nobody", null, HttpStatusCode.NotFound)]
    [InlineData("POST", "/api/v1/sessions/ses-nobody/pause", null, HttpStatusCode.NotFound)]
    [InlineData("POST", "/api/v1/sessions/ses-nobody/stop", null, HttpStatusCode.NotFound)]
    [InlineData("POST", "/api/v1/sessions/ses-nobody/seek", """{"behindLive":5}""", HttpStatusCode.NotFound)]
    [InlineData("GET", "/api/v1/sessions/Not_An_Id", null, HttpStatusCode.BadRequest)]
    [InlineData("POST", "/api/v1/sessions/Not_An_Id/resume", null, HttpStatusCode.BadRequest)]
    public async Task Bad_requests_are_problems(string method, string path, string? body, HttpStatusCode status)
    {
        await fixture.StartSessionAsync(); // acct-1 exists and is signed in

        await ProblemAssert.IsProblemAsync(await fixture.Viewers.SendAsync("acct-1", new HttpMethod(method), path, body is null ? null : Json(body)), status);
    }

    [Theory]
    [InlineData("GET", "")]
    [InlineData("POST", "/pause")]
    [InlineData("POST", "/resume")]
    [InlineData("POST", "/stop")]
    public async Task Without_the_owners_access_token_a_session_is_not_reachable(string method, string action)
    {
        var id = await fixture.StartSessionAsync();
        var other = await fixture.StartSessionAsync(subscriber: "acct-other");
        var path = $"/api/v1/sessions/{id}{action}";

        using var bare = await Http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        await ProblemAssert.IsProblemAsync(bare, HttpStatusCode.Unauthorized);
        Assert.StartsWith("Bearer", bare.Headers.WwwAuthenticate.ToString());
        using var forged = new HttpRequestMessage(new HttpMethod(method), path) { Headers = { Authorization = new("Bearer", "forged-token") } };
        await ProblemAssert.IsProblemAsync(await Http.SendAsync(forged), HttpStatusCode.Unauthorized);
        using var expired = new HttpRequestMessage(new HttpMethod(method), path)
        {
            Headers = { Authorization = new("Bearer", Viewers.Token("acct-1", issued: DateTimeOffset.UtcNow.AddHours(-3), life: TimeSpan.FromHours(1))) },
        };
        await ProblemAssert.IsProblemAsync(await Http.SendAsync(expired), HttpStatusCode.Unauthorized);
        // Another account's player cannot tell the session from one that does not exist.
        var foreign = await ProblemAssert.IsProblemAsync(await fixture.Viewers.SendAsync("acct-other", new HttpMethod(method), path), HttpStatusCode.NotFound);
        Assert.Equal("Session not found", foreign.GetProperty("title").GetString());

        Assert.Equal("Playing", (await fixture.SessionAsync(id)).GetProperty("phase").GetString());
        Assert.Equal("Playing", (await fixture.SessionAsync(other)).GetProperty("phase").GetString());
    }

    [Theory]
    [InlineData("GET", "/api/v1/sessions/Not_An_Id", null)]
    [InlineData("POST", "/api/v1/sessions/ses-nobody/seek", "{}")]
    [InlineData("POST", "/api/v1/sessions/ses-nobody/stop", """{"reason":"bored"}""")]
    [InlineData("POST", "/api/v1/sessions/ses-nobody/rate", "not json")]
    public async Task Without_a_token_a_bad_id_or_body_is_a_401_first(string method, string path, string? body)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = body is null ? null : Json(body) };
        using var response = await Http.SendAsync(request);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.StartsWith("Bearer", response.Headers.WwwAuthenticate.ToString());
    }

    [Theory]
    [InlineData("seek", null)]
    [InlineData("seek", "{}")]
    [InlineData("seek", """{"behindLive":10,"position":"2026-11-30T20:00:00Z"}""")]
    [InlineData("seek", """{"behindLive":-5}""")]
    [InlineData("seek", """{"behindLive":"ten"}""")]
    [InlineData("seek", """{"position":"yesterday"}""")]
    [InlineData("seek", """{"position":"2026-11-30T20:00:00"}""")]
    [InlineData("seek", """{"behindLive":7200}""")]
    [InlineData("seek", """{"offset":10}""")]
    [InlineData("seek", "[1]")]
    [InlineData("rate", "{}")]
    [InlineData("rate", """{"rate":0}""")]
    [InlineData("rate", """{"rate":"fast"}""")]
    [InlineData("rate", """{"rate":1000}""")]
    [InlineData("stop", """{"reason":"bored"}""")]
    [InlineData("stop", """{"reason":"kicked"}""")]
    public async Task Bad_bodies_for_a_live_session_are_400(string action, string? body)
    {
        var id = await fixture.StartSessionAsync();

        var response = await PostAsync(id, action, body is null ? Json("") : Json(body));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("Playing", (await fixture.SessionAsync(id)).GetProperty("phase").GetString());
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_415()
    {
        var id = await fixture.StartSessionAsync();

        await ProblemAssert.IsProblemAsync(await PostAsync(id, "seek", new StringContent("behindLive=5", Encoding.UTF8, "text/plain")),
            HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task Acting_on_an_ended_session_is_409()
    {
        var id = await fixture.StartSessionAsync();
        (await PostAsync(id, "stop", null)).EnsureSuccessStatusCode();

        foreach (var (action, body) in new[] { ("pause", ""), ("resume", ""), ("stop", ""), ("seek", """{"behindLive":5}"""), ("rate", """{"rate":2}""") })
        {
            var response = await PostAsync(id, action, body.Length == 0 ? null : Json(body));
            await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Conflict);
        }
    }
}
