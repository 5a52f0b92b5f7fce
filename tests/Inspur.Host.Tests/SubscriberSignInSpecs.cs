using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Inspur.Host.Auth;
using Inspur.Testing;

namespace Inspur.Host.Tests;

/// <summary>One real node on SQLite with a BOSS key and an access-token key configured, shared by the sign-in specs.</summary>
public sealed class SignInNodeFixture : IAsyncLifetime
{
    public static readonly string AccessKey = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());

    public BossNodeFixture Boss { get; } = new();

    public HostProcess Node { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Node = await HostProcess.StartAsync(new HostOptions
        {
            DataDir = Boss.DataDir,
            Settings = new Dictionary<string, string>(BossClient.Settings) { ["Inspur:Auth:Keys:a1"] = AccessKey },
        });

    public async Task DisposeAsync() => await Node.DisposeAsync();

    public long JournalEvents(string subscriberId) => Boss.JournalEvents(subscriberId);
}

/// <summary>
/// Subscriber sign-in on a real node over real HTTP: the BOSS sets a password and PIN, a device signs in and gets a bearer
/// token that <c>/me</c> accepts until the BOSS revokes tokens, the subscriber signs out, the account is suspended or the device
/// removed; wrong credentials and unknown accounts answer the same 401; the device limit is a 409; five failures are a 429;
/// every bad input is a problem that persists nothing.
/// </summary>
public sealed class SubscriberSignInSpecs(SignInNodeFixture fixture) : IClassFixture<SignInNodeFixture>
{
    private const string Auth = "/api/v1/auth";

    private BossClient Boss => new(fixture.Node);

    private HttpClient Http => fixture.Node.Http;

    private static string Key() => Guid.NewGuid().ToString("N");

    private static string Phone(string id = "phone-1") => $$"""{"id":"{{id}}","kind":"phone"}""";

    private static string Stb => """{"id":"stb-1","kind":"stb","mac":"00:1A:2B:3C:4D:5E"}""";

    private async Task Open(string id, int deviceLimit = 3, string credentials = "\"password\":\"correct horse\"")
    {
        await Boss.JsonAsync(HttpMethod.Post, "/subscribers", $$"""{"id":"{{id}}","name":"Li Lei","deviceLimit":{{deviceLimit}},"streamLimit":1,{{credentials}}}""", Key(),
            HttpStatusCode.Created);
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private async Task<HttpResponseMessage> SignInAsync(string account, string secret, string device, string field = "password") =>
        await Http.PostAsync(Auth + "/sign-in", Json($$"""{"account":"{{account}}","{{field}}":"{{secret}}","device":{{device}}}"""));

    private async Task<JsonElement> SignedIn(string account, string secret, string device, string field = "password")
    {
        using var response = await SignInAsync(account, secret, device, field);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"sign-in: {response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    private async Task<HttpResponseMessage> WithToken(HttpMethod method, string path, string token)
    {
        using var request = new HttpRequestMessage(method, Auth + path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await Http.SendAsync(request);
    }

    private async Task<HttpStatusCode> Me(string token)
    {
        using var response = await WithToken(HttpMethod.Get, "/me", token);
        if (response.StatusCode != HttpStatusCode.OK) await ProblemAssert.IsProblemAsync(response, response.StatusCode);
        return response.StatusCode;
    }

    private static string Token(JsonElement signIn) => signIn.GetProperty("accessToken").GetString()!;

    [Fact]
    public async Task A_device_signs_in_by_password_or_pin_and_its_token_works_until_revoked_or_signed_out()
    {
        const string id = "auth-flow";
        await Open(id);
        await Boss.JsonAsync(HttpMethod.Post, $"/subscribers/{id}/credentials", """{"pin":"2468"}""", Key());

        var phone = await SignedIn(id, "correct horse", Phone());
        Assert.Equal("Bearer", phone.GetProperty("tokenType").GetString());
        Assert.Equal((id, "active"), (phone.GetProperty("subscriber").GetProperty("id").GetString(), phone.GetProperty("subscriber").GetProperty("status").GetString()));
        Assert.Equal(("phone-1", "phone"), (phone.GetProperty("device").GetProperty("id").GetString(), phone.GetProperty("device").GetProperty("kind").GetString()));
        Assert.True(phone.GetProperty("expiresAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddHours(11));

        var stb = await SignedIn(id, "2468", Stb, "pin");
        Assert.Equal("00:1a:2b:3c:4d:5e", stb.GetProperty("device").GetProperty("mac").GetString());
        using (var me = await WithToken(HttpMethod.Get, "/me", Token(stb)))
        {
            var body = JsonDocument.Parse(await me.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal(HttpStatusCode.OK, me.StatusCode);
            Assert.Equal(2, body.GetProperty("subscriber").GetProperty("devices").GetArrayLength());
            Assert.Equal("stb-1", body.GetProperty("device").GetProperty("id").GetString());
        }

        // Signing in again on a known device registers nothing.
        var again = await SignedIn(id, "correct horse", Phone());
        Assert.Equal(HttpStatusCode.OK, await Me(Token(again)));

        await Boss.JsonAsync(HttpMethod.Post, $"/subscribers/{id}/revoke-tokens", """{"reason":"lost phone"}""", Key());
        Assert.Equal(HttpStatusCode.Unauthorized, await Me(Token(phone)));
        Assert.Equal(HttpStatusCode.Unauthorized, await Me(Token(stb)));
        Assert.Equal(HttpStatusCode.Unauthorized, await Me(Token(again)));

        // A token signed within the second of the revocation still counts as newer than it.
        var fresh = await SignedIn(id, "correct horse", Phone());
        Assert.Equal(HttpStatusCode.OK, await Me(Token(fresh)));

        using (var signOut = await WithToken(HttpMethod.Post, "/sign-out", Token(fresh))) Assert.Equal(HttpStatusCode.NoContent, signOut.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await Me(Token(fresh)));
        using (var twice = await WithToken(HttpMethod.Post, "/sign-out", Token(fresh))) Assert.Equal(HttpStatusCode.NoContent, twice.StatusCode);

        // open, pin, phone, stb, BOSS revocation, sign-out: the second sign-out and the sign-ins on known devices wrote nothing.
        Assert.Equal(6L, fixture.JournalEvents(id));
    }

    [Fact]
    public async Task A_wrong_password_and_an_unknown_account_get_the_same_401()
    {
        await Open("auth-wrong");
        await Boss.JsonAsync(HttpMethod.Post, "/subscribers/auth-wrong/credentials", """{"pin":"1357"}""", Key());

        using var wrong = await SignInAsync("auth-wrong", "wrong horse", Phone());
        var wrongProblem = await ProblemAssert.IsProblemAsync(wrong, HttpStatusCode.Unauthorized);
        using var unknown = await SignInAsync("auth-nobody", "correct horse", Phone());
        var unknownProblem = await ProblemAssert.IsProblemAsync(unknown, HttpStatusCode.Unauthorized);
        using var wrongPin = await SignInAsync("auth-wrong", "9999", Phone(), "pin");
        var pinProblem = await ProblemAssert.IsProblemAsync(wrongPin, HttpStatusCode.Unauthorized);

        Assert.Equal(wrongProblem.GetProperty("detail").GetString(), unknownProblem.GetProperty("detail").GetString());
        Assert.Equal(wrongProblem.GetProperty("detail").GetString(), pinProblem.GetProperty("detail").GetString());
        Assert.Contains("Bearer", wrong.Headers.WwwAuthenticate.ToString());
        Assert.Equal(2L, fixture.JournalEvents("auth-wrong"));
        Assert.Equal(0L, fixture.JournalEvents("auth-nobody"));
    }

    [Fact]
    public async Task An_account_without_a_pin_refuses_pin_sign_in()
    {
        await Open("auth-nopin");
        using var response = await SignInAsync("auth-nopin", "1234", Phone(), "pin");
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_suspended_account_cannot_sign_in_and_its_tokens_are_refused_until_resumed()
    {
        const string id = "auth-suspend";
        await Open(id);
        var token = Token(await SignedIn(id, "correct horse", Phone()));
        await Boss.JsonAsync(HttpMethod.Post, $"/subscribers/{id}/suspend", """{"reason":"unpaid"}""", Key());

        using (var signIn = await SignInAsync(id, "correct horse", Phone()))
            Assert.Equal("Account suspended", (await ProblemAssert.IsProblemAsync(signIn, HttpStatusCode.Forbidden)).GetProperty("title").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, await Me(token));

        await Boss.JsonAsync(HttpMethod.Post, $"/subscribers/{id}/resume", null, Key());
        Assert.Equal(HttpStatusCode.OK, await Me(token));

        await Boss.JsonAsync(HttpMethod.Post, $"/subscribers/{id}/close", null, Key());
        Assert.Equal(HttpStatusCode.Forbidden, await Me(token));
        using (var closed = await SignInAsync(id, "correct horse", Phone())) await ProblemAssert.IsProblemAsync(closed, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_new_device_over_the_limit_is_a_409_naming_it_and_a_removed_device_loses_its_token()
    {
        const string id = "auth-limit";
        await Open(id, deviceLimit: 1);
        var token = Token(await SignedIn(id, "correct horse", Phone()));

        using (var over = await SignInAsync(id, "correct horse", Phone("phone-2")))
            Assert.Contains("device limit of 1", (await ProblemAssert.IsProblemAsync(over, HttpStatusCode.Conflict)).GetProperty("detail").GetString());
        using (var kind = await SignInAsync(id, "correct horse", """{"id":"phone-1","kind":"tablet"}"""))
            await ProblemAssert.IsProblemAsync(kind, HttpStatusCode.Conflict);
        Assert.Equal(2L, fixture.JournalEvents(id));

        using (var removed = await Boss.SendAsync(HttpMethod.Delete, $"/subscribers/{id}/devices/phone-1", null, Key())) Assert.Equal(HttpStatusCode.OK, removed.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await Me(token));
    }

    [Fact]
    public async Task Five_failures_within_the_window_throttle_the_account_with_retry_after()
    {
        const string id = "auth-throttle";
        await Open(id);
        for (var i = 0; i < 5; i++)
        {
            using var wrong = await SignInAsync(id, $"guess-{i:D4}", Phone());
            await ProblemAssert.IsProblemAsync(wrong, HttpStatusCode.Unauthorized);
        }

        using var throttled = await SignInAsync(id, "correct horse", Phone());
        await ProblemAssert.IsProblemAsync(throttled, HttpStatusCode.TooManyRequests);
        var retryAfter = throttled.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(15));
        Assert.Equal(1L, fixture.JournalEvents(id));

        // Another account is not affected.
        await Open("auth-throttle-2");
        await SignedIn("auth-throttle-2", "correct horse", Phone());
    }

    [Fact]
    public async Task Parallel_wrong_guesses_cannot_all_pass_the_throttle_check()
    {
        const string id = "auth-parallel";
        await Open(id);
        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => SignInAsync(id, $"guess-{i:D4}", Phone())));

        // Each guess is counted before its password is checked: at most five are judged, the rest are throttled.
        var statuses = responses.Select(r => r.StatusCode).ToList();
        Assert.All(statuses, s => Assert.Contains(s, new[] { HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests }));
        Assert.InRange(statuses.Count(s => s == HttpStatusCode.Unauthorized), 1, SignInThrottle.MaxFailures);
        foreach (var response in responses) response.Dispose();
        using var throttled = await SignInAsync(id, "correct horse", Phone());
        await ProblemAssert.IsProblemAsync(throttled, HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task A_right_sign_in_forgets_the_failures_before_it()
    {
        const string id = "auth-forgets";
        await Open(id);
        for (var i = 0; i < SignInThrottle.MaxFailures - 1; i++)
        {
            using var wrong = await SignInAsync(id, $"guess-{i:D4}", Phone());
            await ProblemAssert.IsProblemAsync(wrong, HttpStatusCode.Unauthorized);
        }

        await SignedIn(id, "correct horse", Phone());
        // Four failures forgotten, and the right attempt itself not counted: four more wrong ones are still judged.
        for (var i = 0; i < SignInThrottle.MaxFailures - 1; i++)
        {
            using var wrong = await SignInAsync(id, $"again-{i:D4}", Phone());
            await ProblemAssert.IsProblemAsync(wrong, HttpStatusCode.Unauthorized);
        }
    }

    public static TheoryData<string, string> BadSignIns() => new()
    {
        { "malformed JSON", """{"account":""" },
        { "not an object", """["auth-bad"]""" },
        { "no account", """{"password":"correct horse","device":{"id":"p","kind":"phone"}}""" },
        { "account not an id", """{"account":"Auth Bad!","password":"correct horse","device":{"id":"p","kind":"phone"}}""" },
        { "password and pin", """{"account":"auth-bad","password":"correct horse","pin":"1234","device":{"id":"p","kind":"phone"}}""" },
        { "neither password nor pin", """{"account":"auth-bad","device":{"id":"p","kind":"phone"}}""" },
        { "password not a string", """{"account":"auth-bad","password":12345678,"device":{"id":"p","kind":"phone"}}""" },
        { "no device", """{"account":"auth-bad","password":"correct horse"}""" },
        { "device not an object", """{"account":"auth-bad","password":"correct horse","device":"phone"}""" },
        { "device without id", """{"account":"auth-bad","password":"correct horse","device":{"kind":"phone"}}""" },
        { "device id with spaces", """{"account":"auth-bad","password":"correct horse","device":{"id":"my phone","kind":"phone"}}""" },
        { "unknown kind", """{"account":"auth-bad","password":"correct horse","device":{"id":"p","kind":"fridge"}}""" },
        { "set-top box without mac or serial", """{"account":"auth-bad","password":"correct horse","device":{"id":"s","kind":"stb"}}""" },
        { "bad mac", """{"account":"auth-bad","password":"correct horse","device":{"id":"s","kind":"stb","mac":"00:1a"}}""" },
        { "mac on a phone", """{"account":"auth-bad","password":"correct horse","device":{"id":"p","kind":"phone","mac":"00:1a:2b:3c:4d:5e"}}""" },
        { "unknown field", """{"account":"auth-bad","password":"correct horse","device":{"id":"p","kind":"phone"},"remember":true}""" },
        { "unknown device field", """{"account":"auth-bad","password":"correct horse","device":{"id":"p","kind":"phone","colour":"red"}}""" },
    };

    [Theory]
    [MemberData(nameof(BadSignIns))]
    public async Task A_bad_sign_in_is_a_400_that_persists_nothing(string what, string json)
    {
        await EnsureOpen("auth-bad");
        using var response = await Http.PostAsync(Auth + "/sign-in", Json(json));
        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.False(problem.TryGetProperty("accessToken", out _), what);
        Assert.Equal(1L, fixture.JournalEvents("auth-bad"));
    }

    [Fact]
    public async Task A_sign_in_that_is_not_json_is_a_415()
    {
        using var response = await Http.PostAsync(Auth + "/sign-in", new StringContent("account=x", Encoding.UTF8, "application/x-www-form-urlencoded"));
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
    }

    public static TheoryData<string, string> BadCredentials() => new()
    {
        { "password too short", """{"password":"short"}""" },
        { "password too long", $$"""{"password":"{{new string('x', 129)}}"}""" },
        { "password with a control character", """{"password":"tab\there-and-more"}""" },
        { "pin too short", """{"pin":"123"}""" },
        { "pin too long", """{"pin":"123456789"}""" },
        { "pin with letters", """{"pin":"12a4"}""" },
        { "pin as a number", """{"pin":1234}""" },
        { "neither", """{}""" },
        { "unknown field", """{"password":"correct horse","secret":"x"}""" },
        { "malformed JSON", """{"pin":""" },
    };

    [Theory]
    [MemberData(nameof(BadCredentials))]
    public async Task Bad_credentials_from_the_boss_are_a_400_that_persists_nothing(string what, string json)
    {
        await EnsureOpen("auth-bad-credentials");
        var problem = await Boss.ProblemAsync(HttpMethod.Post, "/subscribers/auth-bad-credentials/credentials", json, Key(), HttpStatusCode.BadRequest);
        Assert.NotNull(problem.GetProperty("title").GetString());
        Assert.True(fixture.JournalEvents("auth-bad-credentials") == 1L, what);
    }

    [Fact]
    public async Task A_bad_password_on_open_opens_nothing()
    {
        await Boss.ProblemAsync(HttpMethod.Post, "/subscribers", """{"id":"auth-bad-open","name":"Li Lei","pin":"12"}""", Key(), HttpStatusCode.BadRequest);
        Assert.Equal(0L, fixture.JournalEvents("auth-bad-open"));
    }

    [Fact]
    public async Task Credentials_and_revocation_are_idempotent_and_need_the_boss_signature()
    {
        const string id = "auth-idem";
        await Open(id);
        var key = Key();
        // Each request signed at its own second, all taken from one reading of the clock: the same signature again would be
        // refused as a replayed request, not answered as an idempotent retry (reading the clock per request, the first and
        // its retry signed "a second earlier" could fall in the same second).
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        using (var first = await Boss.SendAsync(HttpMethod.Post, $"/subscribers/{id}/credentials", """{"password":"new password"}""", key, now))
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        using (var retry = await Boss.SendAsync(HttpMethod.Post, $"/subscribers/{id}/credentials", """{"password":"new password"}""", key, now - 1))
            Assert.True(retry.Headers.Contains("Idempotent-Replayed"));
        var revokeKey = Key();
        using (var first = await Boss.SendAsync(HttpMethod.Post, $"/subscribers/{id}/revoke-tokens", null, revokeKey, now))
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        using (var again = await Boss.SendAsync(HttpMethod.Post, $"/subscribers/{id}/revoke-tokens", null, revokeKey, now - 1))
            Assert.True(again.Headers.Contains("Idempotent-Replayed"));
        await Boss.ProblemAsync(HttpMethod.Post, $"/subscribers/{id}/revoke-tokens", null, null, HttpStatusCode.BadRequest, now - 2);
        await Boss.ProblemAsync(HttpMethod.Post, "/subscribers/auth-nobody-2/revoke-tokens", null, Key(), HttpStatusCode.NotFound);
        using (var unsigned = await Http.PostAsync(BossClient.Prefix + $"/subscribers/{id}/revoke-tokens", Json("{}")))
            await ProblemAssert.IsProblemAsync(unsigned, HttpStatusCode.Unauthorized);
        Assert.Equal(3L, fixture.JournalEvents(id));

        await SignedIn(id, "new password", Phone());
        using var old = await SignInAsync(id, "correct horse", Phone());
        await ProblemAssert.IsProblemAsync(old, HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData("Bearer not-a-token")]
    public async Task Me_and_sign_out_without_a_valid_bearer_token_are_401_with_a_challenge(string? authorization)
    {
        foreach (var (method, path) in new[] { (HttpMethod.Get, "/me"), (HttpMethod.Post, "/sign-out") })
        {
            using var request = new HttpRequestMessage(method, Auth + path);
            if (authorization is not null) request.Headers.TryAddWithoutValidation("Authorization", authorization);
            using var response = await Http.SendAsync(request);
            await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized);
            Assert.StartsWith("Bearer", response.Headers.WwwAuthenticate.ToString());
        }
    }

    [Fact]
    public async Task A_tampered_token_is_refused()
    {
        await Open("auth-tamper");
        var token = Token(await SignedIn("auth-tamper", "correct horse", Phone()));
        var parts = token.Split('.');
        var payload = Encoding.UTF8.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(parts[1])).Replace("auth-tamper", "auth-tampex");
        var tampered = $"{parts[0]}.{System.Buffers.Text.Base64Url.EncodeToString(Encoding.UTF8.GetBytes(payload))}.{parts[2]}";
        Assert.NotEqual(token, tampered);
        var flipped = token[..^2] + (token[^2] == 'A' ? 'B' : 'A') + token[^1];
        Assert.Equal(HttpStatusCode.Unauthorized, await Me(tampered));
        Assert.Equal(HttpStatusCode.Unauthorized, await Me(flipped));
        Assert.Equal(HttpStatusCode.OK, await Me(token));
    }

    private async Task EnsureOpen(string id)
    {
        using var response = await Boss.SendAsync(HttpMethod.Post, "/subscribers", $$"""{"id":"{{id}}","name":"Li Lei","password":"correct horse"}""", Key());
        Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict, $"open {id}: {response.StatusCode}");
    }
}
