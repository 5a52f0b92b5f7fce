using System.Net;
using System.Text;
using Inspur.Testing;

namespace Inspur.Host.Tests;

/// <summary>REST <c>/api/v1/sessions</c> on a real node: steering a session, and a problem for every kind of bad input.</summary>
[Collection(PlaybackNodeCollection.Name)]
public sealed class SessionApiSpecs(PlaybackNodeFixture fixture)
{
    private HttpClient Http => fixture.Http;

    private static StringContent Json(string body) => PlaybackNodeFixture.Json(body);

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

        Assert.Equal("Paused", (await OkAsync(await Http.PostAsync($"/api/v1/sessions/{id}/pause", null))).GetProperty("phase").GetString());
        Assert.Equal("Paused", (await OkAsync(await Http.PostAsync($"/api/v1/sessions/{id}/pause", null))).GetProperty("phase").GetString());
        Assert.Equal("Playing", (await OkAsync(await Http.PostAsync($"/api/v1/sessions/{id}/resume", null))).GetProperty("phase").GetString());
        var sought = await OkAsync(await Http.PostAsync($"/api/v1/sessions/{id}/seek", Json("""{"behindLive":30}""")));
        Assert.InRange(sought.GetProperty("behindLive").GetDouble(), 30, 31);
        Assert.Equal(2, (await OkAsync(await Http.PostAsync($"/api/v1/sessions/{id}/rate", Json("""{"rate":2}""")))).GetProperty("rate").GetDouble());
        var kicked = await OkAsync(await Http.PostAsync($"/api/v1/sessions/{id}/stop", Json("""{"reason":"kicked"}""")));
        Assert.Equal(("Ended", "Kicked"), (kicked.GetProperty("phase").GetString(), kicked.GetProperty("endReason").GetString()));
    }

    [Fact]
    public async Task An_archive_session_seeks_by_programme_time()
    {
        var id = await fixture.StartSessionAsync("archive", position: ",\"position\":\"2026-11-30T20:00:00Z\"");
        var sought = await OkAsync(await Http.PostAsync($"/api/v1/sessions/{id}/seek", Json("""{"position":"2026-11-30T21:30:00+08:00"}""")));

        // Playing at rate 1, it has moved on by the moment of the answer.
        var at = sought.GetProperty("position").GetDateTimeOffset() - DateTimeOffset.Parse("2026-11-30T13:30:00Z");
        Assert.InRange(at, TimeSpan.Zero, TimeSpan.FromSeconds(10));
        await ProblemAssert.IsProblemAsync(await Http.PostAsync($"/api/v1/sessions/{id}/seek", Json("""{"behindLive":10}""")), HttpStatusCode.BadRequest);
        await ProblemAssert.IsProblemAsync(await Http.PostAsync($"/api/v1/sessions/{id}/seek", Json("""{"position":"2099-01-01T00:00:00Z"}""")), HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("GET", "/api/v1/sessions/ses-nobody", null, HttpStatusCode.NotFound)]
    [InlineData("POST", "/api/v1/sessions/ses-nobody/pause", null, HttpStatusCode.NotFound)]
    [InlineData("POST", "/api/v1/sessions/ses-nobody/stop", null, HttpStatusCode.NotFound)]
    [InlineData("POST", "/api/v1/sessions/ses-nobody/seek", """{"behindLive":5}""", HttpStatusCode.NotFound)]
    [InlineData("GET", "/api/v1/sessions/Not_An_Id", null, HttpStatusCode.BadRequest)]
    [InlineData("POST", "/api/v1/sessions/Not_An_Id/resume", null, HttpStatusCode.BadRequest)]
    [InlineData("POST", "/api/v1/sessions/revocations", """{}""", HttpStatusCode.BadRequest)]
    [InlineData("POST", "/api/v1/sessions/revocations", """{"subscriber":"a/b"}""", HttpStatusCode.BadRequest)]
    [InlineData("POST", "/api/v1/sessions/revocations", """{"subscriber":"acct-1","extra":1}""", HttpStatusCode.BadRequest)]
    [InlineData("POST", "/api/v1/sessions/revocations", """not json""", HttpStatusCode.BadRequest)]
    [InlineData("POST", "/api/v1/sessions", """{"subscriber":"acct-1","device":"stb-1","content":"vod","channel":"gate"}""", HttpStatusCode.BadRequest)]
    [InlineData("POST", "/api/v1/sessions", """{"device":"stb-1","content":"live","channel":"gate"}""", HttpStatusCode.BadRequest)]
    [InlineData("POST", "/api/v1/sessions", """{"subscriber":"acct-1","device":"stb-1","content":"live","channel":"Bad Channel"}""", HttpStatusCode.BadRequest)]
    [InlineData("POST", "/api/v1/sessions", """{"subscriber":"acct-1","device":"stb-1","content":"archive","channel":"gate"}""", HttpStatusCode.BadRequest)]
    [InlineData("POST", "/api/v1/sessions", """{"subscriber":"acct-1","device":"stb-1","content":"live","channel":"gate","behindLive":-1}""", HttpStatusCode.BadRequest)]
    [InlineData("POST", "/api/v1/sessions", """{"id":"BAD","subscriber":"acct-1","device":"stb-1","content":"live","channel":"gate"}""", HttpStatusCode.BadRequest)]
    public async Task Bad_requests_are_problems(string method, string path, string? body, HttpStatusCode status)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = body is null ? null : Json(body) };

        await ProblemAssert.IsProblemAsync(await Http.SendAsync(request), status);
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
    public async Task Bad_bodies_for_a_live_session_are_400(string action, string? body)
    {
        var id = await fixture.StartSessionAsync();

        var response = await Http.PostAsync($"/api/v1/sessions/{id}/{action}", body is null ? Json("") : Json(body));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("Playing", (await fixture.SessionAsync(id)).GetProperty("phase").GetString());
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_415()
    {
        var id = await fixture.StartSessionAsync();

        await ProblemAssert.IsProblemAsync(await Http.PostAsync($"/api/v1/sessions/{id}/seek", new StringContent("behindLive=5", Encoding.UTF8, "text/plain")),
            HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task Acting_on_an_ended_session_is_409_and_starting_it_again_differently_too()
    {
        var id = await fixture.StartSessionAsync();
        (await Http.PostAsync($"/api/v1/sessions/{id}/stop", null)).EnsureSuccessStatusCode();

        foreach (var (action, body) in new[] { ("pause", ""), ("resume", ""), ("stop", ""), ("seek", """{"behindLive":5}"""), ("rate", """{"rate":2}""") })
        {
            var response = await Http.PostAsync($"/api/v1/sessions/{id}/{action}", body.Length == 0 ? null : Json(body));
            await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Conflict);
        }

        var restart = await Http.PostAsync("/api/v1/sessions", Json($$"""{"id":"{{id}}","subscriber":"acct-1","device":"other","content":"live","channel":"gate"}"""));
        await ProblemAssert.IsProblemAsync(restart, HttpStatusCode.Conflict);
    }
}
