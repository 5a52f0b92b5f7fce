using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Inspur.Host.Auth;
using Inspur.Testing;

namespace Inspur.Host.Tests;

/// <summary>One real node on SQLite with BOSS and access keys, codes living 15 s and a 1 s poll interval, shared by the activation specs.</summary>
public sealed class ActivationNodeFixture : IAsyncLifetime
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(15);

    public BossNodeFixture Boss { get; } = new();

    public HostProcess Node { get; private set; } = null!;

    public static Dictionary<string, string> Settings() => new(BossClient.Settings)
    {
        ["Inspur:Auth:Keys:a1"] = SignInNodeFixture.AccessKey,
        ["Inspur:Auth:ActivationLifetime"] = Lifetime.ToString("c"),
        ["Inspur:Auth:ActivationInterval"] = "00:00:01",
    };

    public async Task InitializeAsync() => Node = await HostProcess.StartAsync(new HostOptions { DataDir = Boss.DataDir, Settings = Settings() });

    public async Task DisposeAsync() => await Node.DisposeAsync();

    public long JournalEvents(string subscriberId) => Boss.JournalEvents(subscriberId);
}

/// <summary>What a box and a subscriber do to activate the box by code, over real HTTP against real nodes.</summary>
public sealed class ActivationClient(HostProcess node)
{
    public const string Auth = "/api/v1/auth";
    public const string Password = "correct horse";
    public const string Box = """{"deviceId":"stb-1","kind":"stb","mac":"00:1A:2B:3C:4D:5E","name":"Living room"}""";

    public HttpClient Http => node.Http;

    public BossClient Boss => new(node);

    public static string Key() => Guid.NewGuid().ToString("N");

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public async Task OpenAsync(string id, int deviceLimit = 3) =>
        await Boss.JsonAsync(HttpMethod.Post, "/subscribers", $$"""{"id":"{{id}}","name":"Li Lei","deviceLimit":{{deviceLimit}},"streamLimit":1,"password":"{{Password}}"}""", Key(),
            HttpStatusCode.Created);

    /// <summary>The access token of the subscriber's phone, signed in by password.</summary>
    public async Task<string> PhoneAsync(string id, string phone = "phone-1")
    {
        using var response = await Http.PostAsync(Auth + "/sign-in", Json($$$"""{"account":"{{{id}}}","password":"{{{Password}}}","device":{"id":"{{{phone}}}","kind":"phone"}}"""));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"sign-in: {response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.GetProperty("accessToken").GetString()!;
    }

    /// <summary>The box asks for a code: (code as shown, poll token, the whole answer).</summary>
    public async Task<(string Code, string PollToken, JsonElement Body)> BeginAsync(string box = Box)
    {
        using var response = await Http.PostAsync(Auth + "/activation", Json(box));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"activation: {response.StatusCode}: {text}");
        var body = JsonDocument.Parse(text).RootElement;
        return (body.GetProperty("code").GetString()!, body.GetProperty("pollToken").GetString()!, body);
    }

    public async Task<HttpResponseMessage> ConfirmAsync(string? token, string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Auth + "/activation/confirm") { Content = Json(json) };
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await Http.SendAsync(request);
    }

    public Task<HttpResponseMessage> ConfirmCodeAsync(string token, string code) => ConfirmAsync(token, $$"""{"code":"{{code}}"}""");

    public Task<HttpResponseMessage> PollAsync(string pollToken) => Http.PostAsync(Auth + "/activation/token", Json($$"""{"pollToken":"{{pollToken}}"}"""));

    /// <summary>Polls as a box does, honouring Retry-After, until the answer is neither pending nor slow-down; answers that response.</summary>
    public async Task<HttpResponseMessage> PollUntilDecidedAsync(string pollToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var response = await PollAsync(pollToken);
            var pending = response.StatusCode == HttpStatusCode.BadRequest && await ErrorAsync(response) == "authorization_pending";
            if (!pending && response.StatusCode != HttpStatusCode.TooManyRequests) return response;
            Assert.True(DateTime.UtcNow < deadline, "the activation was not decided within 60 s");
            var wait = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1);
            response.Dispose();
            await Task.Delay(wait);
        }
    }

    public static async Task<string?> ErrorAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonDocument.Parse(text).RootElement.TryGetProperty("error", out var e) ? e.GetString() : null;
    }

    public async Task<HttpStatusCode> MeAsync(string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Auth + "/me");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await Http.SendAsync(request);
        return response.StatusCode;
    }
}

/// <summary>
/// Device activation by code on a real node: a set-top box gets a short code and a poll token, the subscriber signed in on a
/// phone (or the BOSS) confirms it, which registers the box under the device limit, and the box's poll gets an access token that
/// <c>/me</c> and playback accept. Codes expire, are single use, and wrong ones are throttled; every bad input is a problem.
/// </summary>
public sealed class DeviceActivationSpecs(ActivationNodeFixture fixture) : IClassFixture<ActivationNodeFixture>
{
    private ActivationClient Client => new(fixture.Node);

    private HttpClient Http => fixture.Node.Http;

    [Fact]
    public async Task A_box_is_activated_by_its_code_and_its_token_works_for_me_and_playback()
    {
        const string id = "act-flow";
        await Client.OpenAsync(id);
        var phone = await Client.PhoneAsync(id);
        var (code, poll, body) = await Client.BeginAsync();
        Assert.Matches("^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$", code);
        Assert.Equal(15, body.GetProperty("expiresIn").GetInt32());
        Assert.Equal(1, body.GetProperty("interval").GetInt32());
        Assert.EndsWith("/api/v1/auth/activation/confirm", body.GetProperty("verificationUri").GetString());

        using (var pending = await Client.PollAsync(poll))
        {
            await ProblemAssert.IsProblemAsync(pending, HttpStatusCode.BadRequest);
            Assert.Equal("authorization_pending", await ActivationClient.ErrorAsync(pending));
        }

        using (var fast = await Client.PollAsync(poll))
        {
            await ProblemAssert.IsProblemAsync(fast, HttpStatusCode.TooManyRequests);
            Assert.Equal("slow_down", await ActivationClient.ErrorAsync(fast));
            Assert.InRange(fast.Headers.RetryAfter!.Delta!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        }

        // As typed by a person: lower case, no dash.
        using (var confirmed = await Client.ConfirmCodeAsync(phone, code.Replace("-", "").ToLowerInvariant()))
        {
            var text = await confirmed.Content.ReadAsStringAsync();
            Assert.True(confirmed.StatusCode == HttpStatusCode.OK, text);
            var reply = JsonDocument.Parse(text).RootElement;
            Assert.Equal((code, id, "stb-1", "approved"), (reply.GetProperty("code").GetString(), reply.GetProperty("subscriber").GetString(),
                reply.GetProperty("deviceId").GetString(), reply.GetProperty("status").GetString()));
        }

        using (var twice = await Client.ConfirmCodeAsync(phone, code)) await ProblemAssert.IsProblemAsync(twice, HttpStatusCode.Conflict);

        string token;
        using (var granted = await Client.PollUntilDecidedAsync(poll))
        {
            var text = await granted.Content.ReadAsStringAsync();
            Assert.True(granted.StatusCode == HttpStatusCode.OK, text);
            var signIn = JsonDocument.Parse(text).RootElement;
            token = signIn.GetProperty("accessToken").GetString()!;
            Assert.Equal("Bearer", signIn.GetProperty("tokenType").GetString());
            Assert.Equal(("stb-1", "stb", "00:1a:2b:3c:4d:5e"), (signIn.GetProperty("device").GetProperty("id").GetString(),
                signIn.GetProperty("device").GetProperty("kind").GetString(), signIn.GetProperty("device").GetProperty("mac").GetString()));
            Assert.Equal(id, signIn.GetProperty("subscriber").GetProperty("id").GetString());
            Assert.True(signIn.GetProperty("expiresAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddHours(11));
        }

        // Single use: the token was issued once.
        using (var again = await Client.PollAsync(poll)) await ProblemAssert.IsProblemAsync(again, HttpStatusCode.Conflict);

        Assert.Equal(HttpStatusCode.OK, await Client.MeAsync(token));
        // open, phone, box: the refused second confirm and the polls wrote nothing.
        Assert.Equal(3L, fixture.JournalEvents(id));

        await Client.Boss.JsonAsync(HttpMethod.Put, "/products/act-pkg", """{"kind":"package","name":"Act","price":100,"currency":"CNY","channels":["act-news"]}""",
            ActivationClient.Key());
        await Client.Boss.JsonAsync(HttpMethod.Post, $"/subscribers/{id}/orders", """{"productId":"act-pkg"}""", ActivationClient.Key());
        (await Http.PostAsync("/api/v1/channels", ActivationClient.Json($$"""{"id":"act-news","name":"Act","number":77,"source":"udp://127.0.0.1:{{Repo.FreeUdpPort()}}"}""")))
            .EnsureSuccessStatusCode();
        using var play = new HttpRequestMessage(HttpMethod.Post, "/api/v1/playback") { Content = ActivationClient.Json("""{"channel":"act-news"}""") };
        play.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var played = await Http.SendAsync(play);
        var playText = await played.Content.ReadAsStringAsync();
        Assert.True(played.StatusCode == HttpStatusCode.Created, $"playback: {played.StatusCode}: {playText}");
        Assert.Contains("\"url\":\"/p/", playText);

        // Signing out on the phone revokes the account's tokens, the box's too.
        using var signOut = new HttpRequestMessage(HttpMethod.Post, ActivationClient.Auth + "/sign-out");
        signOut.Headers.Authorization = new AuthenticationHeaderValue("Bearer", phone);
        (await Http.SendAsync(signOut)).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.Unauthorized, await Client.MeAsync(token));
    }

    [Fact]
    public async Task A_full_account_refuses_the_box_with_a_409_and_the_code_can_be_confirmed_once_a_device_is_removed()
    {
        const string id = "act-limit";
        await Client.OpenAsync(id, deviceLimit: 1);
        var phone = await Client.PhoneAsync(id);
        var (code, poll, _) = await Client.BeginAsync();

        using (var full = await Client.ConfirmCodeAsync(phone, code))
            Assert.Contains("device limit of 1", (await ProblemAssert.IsProblemAsync(full, HttpStatusCode.Conflict)).GetProperty("detail").GetString());
        using (var pending = await Client.PollAsync(poll)) Assert.Equal("authorization_pending", await ActivationClient.ErrorAsync(pending));
        Assert.Equal(2L, fixture.JournalEvents(id));

        // The BOSS frees the slot (and so the phone's token dies): the BOSS confirms for the subscriber.
        using (var removed = await Client.Boss.SendAsync(HttpMethod.Delete, $"/subscribers/{id}/devices/phone-1", null, ActivationClient.Key()))
            Assert.Equal(HttpStatusCode.OK, removed.StatusCode);
        await Client.Boss.JsonAsync(HttpMethod.Post, $"/subscribers/{id}/activations", $$"""{"code":"{{code}}"}""", ActivationClient.Key());
        using var granted = await Client.PollUntilDecidedAsync(poll);
        Assert.True(granted.StatusCode == HttpStatusCode.OK, await granted.Content.ReadAsStringAsync());
        Assert.Equal(4L, fixture.JournalEvents(id));
    }

    [Fact]
    public async Task The_boss_confirms_a_code_for_an_account_idempotently_and_signed()
    {
        const string id = "act-boss";
        await Client.OpenAsync(id);
        var (code, poll, _) = await Client.BeginAsync("""{"deviceId":"stb-7","kind":"stb","serial":"SN-7"}""");
        var key = ActivationClient.Key();
        // Every request below is signed at a second of its own, from one reading of the clock: the BOSS API refuses a replayed
        // signature, and a retry signed "a second earlier" by a second reading could fall in the first request's second.
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        using (var first = await Client.Boss.SendAsync(HttpMethod.Post, $"/subscribers/{id}/activations", $$"""{"code":"{{code}}"}""", key, now))
        {
            var text = await first.Content.ReadAsStringAsync();
            Assert.True(first.StatusCode == HttpStatusCode.OK, text);
            Assert.Equal("stb-7", JsonDocument.Parse(text).RootElement.GetProperty("deviceId").GetString());
        }

        using (var retry = await Client.Boss.SendAsync(HttpMethod.Post, $"/subscribers/{id}/activations", $$"""{"code":"{{code}}"}""", key, now - 1))
        {
            Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
            Assert.True(retry.Headers.Contains("Idempotent-Replayed"));
        }

        await Client.Boss.ProblemAsync(HttpMethod.Post, $"/subscribers/{id}/activations", $$"""{"code":"{{code}}"}""", ActivationClient.Key(), HttpStatusCode.Conflict, now - 2);
        await Client.Boss.ProblemAsync(HttpMethod.Post, $"/subscribers/{id}/activations", $$"""{"code":"{{code}}"}""", null, HttpStatusCode.BadRequest, now - 3);
        await Client.Boss.ProblemAsync(HttpMethod.Post, $"/subscribers/{id}/activations", """{"code":"nope"}""", ActivationClient.Key(), HttpStatusCode.BadRequest);
        await Client.Boss.ProblemAsync(HttpMethod.Post, "/subscribers/BAD_ID/activations", $$"""{"code":"{{code}}"}""", ActivationClient.Key(), HttpStatusCode.BadRequest);
        using (var unsigned = await Http.PostAsync(BossClient.Prefix + $"/subscribers/{id}/activations", ActivationClient.Json($$"""{"code":"{{code}}"}""")))
            await ProblemAssert.IsProblemAsync(unsigned, HttpStatusCode.Unauthorized);
        // An unknown account: the box stays pending.
        var (other, otherPoll, _) = await Client.BeginAsync("""{"deviceId":"stb-8","kind":"stb","serial":"SN-8"}""");
        await Client.Boss.ProblemAsync(HttpMethod.Post, "/subscribers/act-nobody/activations", $$"""{"code":"{{other}}"}""", ActivationClient.Key(), HttpStatusCode.NotFound);
        using (var pending = await Client.PollAsync(otherPoll)) Assert.Equal("authorization_pending", await ActivationClient.ErrorAsync(pending));

        using var granted = await Client.PollUntilDecidedAsync(poll);
        Assert.True(granted.StatusCode == HttpStatusCode.OK, await granted.Content.ReadAsStringAsync());
        Assert.Equal(2L, fixture.JournalEvents(id));
        Assert.Equal(0L, fixture.JournalEvents("act-nobody"));
    }

    [Fact]
    public async Task A_code_expires_its_poll_answers_410_and_it_can_no_longer_be_confirmed()
    {
        const string id = "act-expire";
        await Client.OpenAsync(id);
        var phone = await Client.PhoneAsync(id);
        var (code, poll, _) = await Client.BeginAsync();
        using var expired = await Client.PollUntilDecidedAsync(poll);
        await ProblemAssert.IsProblemAsync(expired, HttpStatusCode.Gone);
        Assert.Equal("expired_token", await ActivationClient.ErrorAsync(expired));

        using var late = await Client.ConfirmCodeAsync(phone, code);
        Assert.True(late.StatusCode is HttpStatusCode.Gone or HttpStatusCode.NotFound, $"{late.StatusCode}: {await late.Content.ReadAsStringAsync()}");
        await ProblemAssert.IsProblemAsync(late, late.StatusCode);
        Assert.Equal(2L, fixture.JournalEvents(id));
    }

    [Fact]
    public async Task Wrong_codes_are_throttled_per_subscriber_with_retry_after()
    {
        const string id = "act-guess";
        await Client.OpenAsync(id);
        var phone = await Client.PhoneAsync(id);
        var (code, _, _) = await Client.BeginAsync("""{"deviceId":"stb-2","kind":"stb","serial":"SN-2"}""");
        for (var i = 0; i < 5; i++)
        {
            using var wrong = await Client.ConfirmCodeAsync(phone, WrongCode(code, i));
            await ProblemAssert.IsProblemAsync(wrong, HttpStatusCode.NotFound);
        }

        using (var throttled = await Client.ConfirmCodeAsync(phone, code))
        {
            await ProblemAssert.IsProblemAsync(throttled, HttpStatusCode.TooManyRequests);
            Assert.InRange(throttled.Headers.RetryAfter!.Delta!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(15));
        }

        // Another subscriber confirms the same (right) code.
        await Client.OpenAsync("act-guess-2");
        using var other = await Client.ConfirmCodeAsync(await Client.PhoneAsync("act-guess-2"), code);
        Assert.True(other.StatusCode == HttpStatusCode.OK, await other.Content.ReadAsStringAsync());
        Assert.Equal(2L, fixture.JournalEvents(id));
    }

    [Fact]
    public async Task Parallel_wrong_codes_of_one_subscriber_cannot_all_pass_its_throttle()
    {
        const string id = "act-parallel";
        await Client.OpenAsync(id);
        var phone = await Client.PhoneAsync(id);
        var (code, _, _) = await Client.BeginAsync("""{"deviceId":"stb-20","kind":"stb","serial":"SN-20"}""");
        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Client.ConfirmCodeAsync(phone, WrongCode(code, i % 5))));

        // Each try counts before its code is looked up: at most five are judged, the rest are throttled.
        var statuses = responses.Select(r => r.StatusCode).ToList();
        foreach (var response in responses) response.Dispose();
        Assert.All(statuses, s => Assert.Contains(s, new[] { HttpStatusCode.NotFound, HttpStatusCode.TooManyRequests }));
        Assert.InRange(statuses.Count(s => s == HttpStatusCode.NotFound), 1, SignInThrottle.ActivationPerSubscriber.MaxFailures);
    }

    [Fact]
    public async Task Right_codes_do_not_count_against_the_subscriber()
    {
        const string id = "act-many-boxes";
        await Client.OpenAsync(id, deviceLimit: 10);
        var phone = await Client.PhoneAsync(id);
        // More boxes than wrong codes are allowed: each try counts until its code proves right, then is taken back.
        for (var i = 0; i <= SignInThrottle.ActivationPerSubscriber.MaxFailures; i++)
        {
            var (code, _, _) = await Client.BeginAsync($$"""{"deviceId":"stb-m{{i}}","kind":"stb","serial":"SN-M{{i}}"}""");
            using var confirmed = await Client.ConfirmCodeAsync(phone, code);
            Assert.True(confirmed.StatusCode == HttpStatusCode.OK, $"box {i}: {(int)confirmed.StatusCode} {await confirmed.Content.ReadAsStringAsync()}");
        }
    }

    public static TheoryData<string, string, string> BadBoxes() => new()
    {
        { "malformed JSON", """{"deviceId":""", "body" },
        { "not an object", """["stb-1"]""", "body" },
        { "no deviceId", """{"kind":"stb","mac":"00:1a:2b:3c:4d:5e"}""", "deviceId" },
        { "deviceId with spaces", """{"deviceId":"my box","kind":"stb","mac":"00:1a:2b:3c:4d:5e"}""", "deviceId" },
        { "deviceId not a string", """{"deviceId":7,"kind":"stb","mac":"00:1a:2b:3c:4d:5e"}""", "deviceId" },
        { "no kind", """{"deviceId":"stb-1","mac":"00:1a:2b:3c:4d:5e"}""", "kind" },
        { "unknown kind", """{"deviceId":"stb-1","kind":"fridge","mac":"00:1a:2b:3c:4d:5e"}""", "kind" },
        { "a phone", """{"deviceId":"phone-1","kind":"phone"}""", "kind" },
        { "neither mac nor serial", """{"deviceId":"stb-1","kind":"stb"}""", "mac" },
        { "bad mac", """{"deviceId":"stb-1","kind":"stb","mac":"00:1a"}""", "mac" },
        { "serial not a string", """{"deviceId":"stb-1","kind":"stb","serial":42}""", "serial" },
        { "name not a string", """{"deviceId":"stb-1","kind":"stb","serial":"SN","name":false}""", "name" },
        { "unknown field", """{"deviceId":"stb-1","kind":"stb","serial":"SN","colour":"red"}""", "colour" },
    };

    [Theory]
    [MemberData(nameof(BadBoxes))]
    public async Task A_bad_activation_request_is_a_400_naming_the_field(string what, string json, string field)
    {
        using var response = await Http.PostAsync(ActivationClient.Auth + "/activation", ActivationClient.Json(json));
        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{what}: {problem}");
        Assert.False(problem.TryGetProperty("pollToken", out _));
    }

    public static TheoryData<string, string, string> BadConfirms() => new()
    {
        { "malformed JSON", """{"code":""", "body" },
        { "no code", """{}""", "code" },
        { "code not a string", """{"code":12345678}""", "code" },
        { "too short", """{"code":"K7PM-Q4X"}""", "code" },
        { "too long", """{"code":"K7PM-Q4XDD"}""", "code" },
        { "a zero", """{"code":"K7PM-Q4X0"}""", "code" },
        { "an O", """{"code":"K7PM-Q4XO"}""", "code" },
        { "unknown field", """{"code":"K7PM-Q4XD","account":"x"}""", "account" },
    };

    [Theory]
    [MemberData(nameof(BadConfirms))]
    public async Task A_bad_confirmation_is_a_400_naming_the_field(string what, string json, string field)
    {
        await EnsureOpen("act-bad");
        using var response = await Client.ConfirmAsync(await Client.PhoneAsync("act-bad"), json);
        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{what}: {problem}");
        Assert.Equal(2L, fixture.JournalEvents("act-bad"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer not-a-token")]
    public async Task A_confirmation_without_a_valid_bearer_token_is_a_401(string? authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, ActivationClient.Auth + "/activation/confirm") { Content = ActivationClient.Json("""{"code":"K7PM-Q4XD"}""") };
        if (authorization is not null) request.Headers.TryAddWithoutValidation("Authorization", authorization);
        using var response = await Http.SendAsync(request);
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.StartsWith("Bearer", response.Headers.WwwAuthenticate.ToString());
    }

    public static TheoryData<string, string, string> BadPolls() => new()
    {
        { "malformed JSON", """{"pollToken":""", "body" },
        { "no pollToken", """{}""", "pollToken" },
        { "pollToken not a string", """{"pollToken":1}""", "pollToken" },
        { "unknown field", """{"pollToken":"x","code":"K7PM-Q4XD"}""", "code" },
    };

    [Theory]
    [MemberData(nameof(BadPolls))]
    public async Task A_bad_poll_is_a_400_naming_the_field(string what, string json, string field)
    {
        using var response = await Http.PostAsync(ActivationClient.Auth + "/activation/token", ActivationClient.Json(json));
        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{what}: {problem}");
    }

    [Fact]
    public async Task A_tampered_or_foreign_poll_token_is_a_400_invalid_grant_and_a_request_that_is_not_json_a_415()
    {
        await EnsureOpen("act-bad");
        var access = await Client.PhoneAsync("act-bad");
        var (_, poll, _) = await Client.BeginAsync("""{"deviceId":"stb-3","kind":"stb","serial":"SN-3"}""");
        var flipped = poll[..^2] + (poll[^2] == 'A' ? 'B' : 'A') + poll[^1];
        foreach (var token in new[] { flipped, access, "garbage", poll + "x" })
        {
            using var response = await Client.PollAsync(token);
            await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
            Assert.Equal("invalid_grant", await ActivationClient.ErrorAsync(response));
        }

        using var form = await Http.PostAsync(ActivationClient.Auth + "/activation", new StringContent("deviceId=x", Encoding.UTF8, "application/x-www-form-urlencoded"));
        await ProblemAssert.IsProblemAsync(form, HttpStatusCode.UnsupportedMediaType);
    }

    /// <summary>A well-formed code that differs from <paramref name="code"/>.</summary>
    public static string WrongCode(string code, int i)
    {
        var plain = code.Replace("-", "");
        var alphabet = Inspur.Domain.Subscribers.ActivationCode.Alphabet;
        var last = alphabet[(alphabet.IndexOf(plain[^1]) + 1 + i) % alphabet.Length];
        return plain[..^2] + alphabet[(alphabet.IndexOf(plain[^2]) + 1) % alphabet.Length] + last;
    }

    private async Task EnsureOpen(string id)
    {
        using var response = await Client.Boss.SendAsync(HttpMethod.Post, "/subscribers", $$"""{"id":"{{id}}","name":"Li Lei","password":"{{ActivationClient.Password}}"}""",
            ActivationClient.Key());
        Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict, $"open {id}: {response.StatusCode}");
    }
}
