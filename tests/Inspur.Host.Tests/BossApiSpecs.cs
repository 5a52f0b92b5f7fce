using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Inspur.Host.Boss;
using Inspur.Testing;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Inspur.Host.Tests;

/// <summary>Signs BOSS requests by hand, so a spec can also sign them wrongly.</summary>
public sealed class BossClient(HostProcess node, string keyId = BossClient.KeyId, string secret = BossClient.Secret)
{
    public const string KeyId = "boss-test";
    public const string Secret = "s3cret-for-specs-only";
    public const string Prefix = "/api/boss/v1";

    public static Dictionary<string, string> Settings => new() { [$"Inspur:Boss:Keys:{KeyId}"] = Secret };

    public HostProcess Node => node;

    /// <summary>A request signed over <paramref name="target"/> and <paramref name="json"/> at <paramref name="timestamp"/> (now by default).</summary>
    public HttpRequestMessage Request(HttpMethod method, string target, string? json = null, string? key = null, long? timestamp = null, string? signature = null)
    {
        var body = json is null ? [] : Encoding.UTF8.GetBytes(json);
        var ts = (timestamp ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds()).ToString(CultureInfo.InvariantCulture);
        var request = new HttpRequestMessage(method, Prefix + target);
        if (json is not null) request.Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } };
        request.Headers.Add(BossSignature.KeyHeader, keyId);
        request.Headers.Add(BossSignature.TimestampHeader, ts);
        request.Headers.Add(BossSignature.SignatureHeader, signature ?? BossSignature.Compute(secret, method.Method, Prefix + target, ts, body));
        if (key is not null) request.Headers.Add(BossSignature.IdempotencyHeader, key);
        return request;
    }

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string target, string? json = null, string? key = null, long? timestamp = null) =>
        node.Http.SendAsync(Request(method, target, json, key, timestamp));

    public async Task<JsonElement> JsonAsync(HttpMethod method, string target, string? json = null, string? key = null, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await SendAsync(method, target, json, key);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{method} {target}: expected {expected}, got {response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    public Task<JsonElement> GetAsync(string target) => JsonAsync(HttpMethod.Get, target);

    public async Task<JsonElement> ProblemAsync(HttpMethod method, string target, string? json, string? key, HttpStatusCode status, long? timestamp = null)
    {
        using var response = await SendAsync(method, target, json, key, timestamp);
        var problem = await ProblemAssert.IsProblemAsync(response, status);
        // A spec meaning a business refusal must not pass on the replay check by accident.
        Assert.NotEqual("Replayed request", problem.GetProperty("title").GetString());
        return problem;
    }
}

/// <summary>One real node on SQLite with a BOSS key configured, shared by the BOSS specs.</summary>
public sealed class BossNodeFixture : IAsyncLifetime
{
    public string DataDir { get; } = Repo.TempDir("boss");

    public HostProcess Node { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Node = await HostProcess.StartAsync(new HostOptions { DataDir = DataDir, Settings = BossClient.Settings });

    public async Task DisposeAsync() => await Node.DisposeAsync();

    /// <summary>How many events the journal holds for the subscriber: what was persisted, whatever the responses said.</summary>
    public long JournalEvents(string subscriberId)
    {
        var file = Directory.GetFiles(DataDir, "journal.db", SearchOption.AllDirectories).Single();
        using var connection = new SqliteConnection($"Data Source={file};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var count = connection.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM journal WHERE persistence_id = $id";
        count.Parameters.AddWithValue("$id", $"subscriber-{subscriberId}");
        return (long)count.ExecuteScalar()!;
    }
}

/// <summary>The BOSS API specs and its OpenAPI document's specs: subscribers of their own ids on one node.</summary>
[CollectionDefinition(Name)]
public sealed class BossNodeCollection : ICollectionFixture<BossNodeFixture>
{
    public const string Name = "boss node";
}

/// <summary>
/// The BOSS API on real nodes over real HTTP: the whole flow (product → open → order → entitled → suspend → refused → resume →
/// cancel) on SQLite and PostgreSQL; one idempotency key sent 50 times at once writes one event; bad signatures, stale
/// timestamps, replays, missing keys, malformed JSON, unknown ids and conflicts are problems that persist nothing.
/// </summary>
[Collection(BossNodeCollection.Name)]
public sealed class BossApiSpecs(BossNodeFixture fixture)
{
    private BossClient Boss => new(fixture.Node);

    private static string Key() => Guid.NewGuid().ToString("N");

    private static string Package(params string[] channels) =>
        $$"""{"kind":"package","name":"Basic","price":3000,"currency":"CNY","channels":[{{string.Join(',', channels.Select(c => $"\"{c}\""))}}]}""";

    private static string Open(string id, string name = "Li Lei") => $$"""{"id":"{{id}}","name":"{{name}}","deviceLimit":2,"streamLimit":1}""";

    [Fact]
    public Task The_boss_flow_runs_end_to_end_on_sqlite() => Flow(fixture.Node, "sq");

    [Fact]
    public async Task The_boss_flow_runs_end_to_end_on_postgres()
    {
        await using var db = await PostgresDatabase.CreateAsync();
        await using var node = await HostProcess.StartAsync(new HostOptions { DataDir = Repo.TempDir("boss-pg"), Postgres = db.ConnectionString, Settings = BossClient.Settings });
        await Flow(node, "pg");

        async Task<long> JournalEvents(string id)
        {
            await using var connection = new NpgsqlConnection(db.ConnectionString);
            await connection.OpenAsync();
            await using var count = new NpgsqlCommand("SELECT COUNT(*) FROM journal WHERE persistence_id = @id", connection);
            count.Parameters.AddWithValue("id", $"subscriber-{id}");
            return (long)(await count.ExecuteScalarAsync())!;
        }

        Assert.Equal(9L, await JournalEvents("pg-li-lei"));
        await FiftyAtOnce(node, "pg-fifty", JournalEvents);
    }

    /// <summary>The flow a BOSS runs, with a client that signs through <see cref="BossSigningHandler"/> as an integrator would.</summary>
    private static async Task Flow(HostProcess node, string prefix)
    {
        using var http = new HttpClient(new BossSigningHandler(BossClient.KeyId, BossClient.Secret)) { BaseAddress = new Uri(node.HttpUrl + BossClient.Prefix + "/") };
        var id = $"{prefix}-li-lei";
        var product = $"{prefix}-basic";

        async Task<JsonElement> Send(HttpMethod method, string path, string? json, HttpStatusCode expected = HttpStatusCode.OK, bool mutation = true)
        {
            using var request = new HttpRequestMessage(method, path);
            if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, "application/json");
            if (mutation) request.Headers.Add(BossSignature.IdempotencyHeader, Key());
            using var response = await http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == expected, $"{method} {path}: expected {expected}, got {response.StatusCode}: {text}");
            return JsonDocument.Parse(text).RootElement;
        }

        Task<JsonElement> Get(string path) => Send(HttpMethod.Get, path, null, mutation: false);
        async Task<JsonElement> Authorization() => await Get($"subscribers/{id}/authorization?channel=cctv-1");

        Assert.Equal(product, (await Send(HttpMethod.Put, $"products/{product}", Package("cctv-1", "cctv-2"))).GetProperty("id").GetString());
        var defined = await Get($"products/{product}");
        Assert.Equal(("package", 3000L, 2), (defined.GetProperty("kind").GetString(), defined.GetProperty("price").GetInt64(), defined.GetProperty("channels").GetArrayLength()));
        Assert.Contains((await Get("products")).EnumerateArray(), p => p.GetProperty("id").GetString() == product);

        var opened = await Send(HttpMethod.Post, "subscribers", Open(id), HttpStatusCode.Created);
        Assert.Equal((id, 1L), (opened.GetProperty("id").GetString(), opened.GetProperty("version").GetInt64()));
        await Send(HttpMethod.Post, $"subscribers/{id}/devices", """{"id":"stb-1","kind":"stb","mac":"00:1A:2B:3C:4D:5E","name":"Living room"}""");
        await Send(HttpMethod.Post, $"subscribers/{id}/devices", """{"id":"phone-1","kind":"phone"}""");

        var before = await Authorization();
        Assert.Equal((false, "not-entitled"), (before.GetProperty("allowed").GetBoolean(), before.GetProperty("denial").GetString()));

        await Send(HttpMethod.Post, $"subscribers/{id}/orders", $$"""{"productId":"{{product}}"}""");
        var entitled = await Authorization();
        Assert.True(entitled.GetProperty("allowed").GetBoolean(), entitled.ToString());
        Assert.Equal((product, 1), (entitled.GetProperty("via").GetString(), entitled.GetProperty("streamLimit").GetInt32()));
        Assert.Equal("not-entitled", (await Get($"subscribers/{id}/authorization?channel=cctv-9")).GetProperty("denial").GetString());

        await Send(HttpMethod.Post, $"subscribers/{id}/suspend", """{"reason":"unpaid"}""");
        var suspended = await Authorization();
        Assert.Equal((false, "suspended"), (suspended.GetProperty("allowed").GetBoolean(), suspended.GetProperty("denial").GetString()));
        Assert.Equal("suspended", (await Get($"subscribers/{id}")).GetProperty("status").GetString());

        await Send(HttpMethod.Post, $"subscribers/{id}/resume", null);
        Assert.True((await Authorization()).GetProperty("allowed").GetBoolean());

        await Send(HttpMethod.Delete, $"subscribers/{id}/orders/{product}", null);
        Assert.Equal("not-entitled", (await Authorization()).GetProperty("denial").GetString());

        await Send(HttpMethod.Delete, $"subscribers/{id}/devices/phone-1", null);
        await Send(HttpMethod.Put, $"subscribers/{id}/limits", """{"deviceLimit":3,"streamLimit":2}""");

        var subscriber = await Get($"subscribers/{id}");
        Assert.Equal(("active", 3, 2, 9L), (subscriber.GetProperty("status").GetString(), subscriber.GetProperty("deviceLimit").GetInt32(),
            subscriber.GetProperty("streamLimit").GetInt32(), subscriber.GetProperty("version").GetInt64()));
        Assert.Empty(subscriber.GetProperty("products").EnumerateArray());
        var usage = await Get($"subscribers/{id}/usage");
        var order = usage.GetProperty("orders").EnumerateArray().Single();
        Assert.Equal((product, false), (order.GetProperty("productId").GetString(), order.GetProperty("active").GetBoolean()));
        Assert.NotEqual(JsonValueKind.Null, order.GetProperty("cancelledAt").ValueKind);
        Assert.Equal("00:1a:2b:3c:4d:5e", usage.GetProperty("devices").EnumerateArray().Single().GetProperty("mac").GetString());
        Assert.Empty(usage.GetProperty("sessions").EnumerateArray());
        Assert.Contains((await Get($"subscribers?q={prefix}-li")).EnumerateArray(), s => s.GetProperty("id").GetString() == id);
    }

    [Fact]
    public Task Fifty_parallel_identical_requests_with_one_key_write_one_event_and_answer_alike() =>
        FiftyAtOnce(fixture.Node, "fifty", id => Task.FromResult(fixture.JournalEvents(id)));

    /// <summary>One open and one order, each sent 50 times at once with one key: all answers alike, one event each in the journal.</summary>
    private static async Task FiftyAtOnce(HostProcess node, string id, Func<string, Task<long>> journalEvents)
    {
        var boss = new BossClient(node);
        var key = Key();
        // Identical requests, each signed on its own (a BOSS signs every retry anew), with timestamps up to 49 s back.
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(async i =>
        {
            using var request = boss.Request(HttpMethod.Post, "/subscribers", Open(id), key, now - i);
            using var response = await node.Http.SendAsync(request);
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync(), Replayed: response.Headers.Contains(Api.BossApi.ReplayedHeader));
        }));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        Assert.Single(responses.Select(r => r.Body).Distinct());
        Assert.Equal(49, responses.Count(r => r.Replayed));
        Assert.Equal(1L, (await boss.GetAsync($"/subscribers/{id}")).GetProperty("version").GetInt64());
        Assert.Equal(1L, await journalEvents(id));

        // The same for an order on the account: 50 at once, one order.
        await boss.JsonAsync(HttpMethod.Put, $"/products/{id}-pkg", Package("cctv-1"), Key());
        var orderKey = Key();
        var orders = await Task.WhenAll(Enumerable.Range(0, 50).Select(async i =>
        {
            using var request = boss.Request(HttpMethod.Post, $"/subscribers/{id}/orders", $$"""{"productId":"{{id}}-pkg"}""", orderKey, now - i);
            using var response = await node.Http.SendAsync(request);
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync());
        }));
        Assert.All(orders, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Single(orders.Select(r => r.Body).Distinct());
        Assert.Equal(2L, await journalEvents(id));
        Assert.Single((await boss.GetAsync($"/subscribers/{id}/usage")).GetProperty("orders").EnumerateArray());
    }

    [Fact]
    public async Task A_retry_answers_the_first_status_and_body_and_a_reused_key_with_another_request_is_422()
    {
        var boss = Boss;
        var key = Key();
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        using var first = await boss.SendAsync(HttpMethod.Post, "/subscribers", Open("retry"), key, now);
        await boss.JsonAsync(HttpMethod.Post, "/subscribers/retry/suspend", """{"reason":"unpaid"}""", Key());
        // A retry is signed anew: the same bytes signed at the same second would be refused as a replay.
        using var retry = await boss.SendAsync(HttpMethod.Post, "/subscribers", Open("retry"), key, now - 5);

        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.Created), (first.StatusCode, retry.StatusCode));
        Assert.Equal(await first.Content.ReadAsStringAsync(), await retry.Content.ReadAsStringAsync());
        Assert.Equal(first.Headers.Location, retry.Headers.Location);
        Assert.True(retry.Headers.Contains(Api.BossApi.ReplayedHeader));

        var problem = await boss.ProblemAsync(HttpMethod.Post, "/subscribers", Open("retry", "Someone Else"), key, HttpStatusCode.UnprocessableEntity);
        Assert.Contains(key, problem.GetProperty("detail").GetString());
        await boss.ProblemAsync(HttpMethod.Post, "/subscribers/retry/resume", null, key, HttpStatusCode.UnprocessableEntity);

        var productKey = Key();
        using var defined = await boss.SendAsync(HttpMethod.Put, "/products/retry-pkg", Package("cctv-1"), productKey, now);
        using var redefined = await boss.SendAsync(HttpMethod.Put, "/products/retry-pkg", Package("cctv-1"), productKey, now - 5);
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (defined.StatusCode, redefined.StatusCode));
        Assert.Equal(await defined.Content.ReadAsStringAsync(), await redefined.Content.ReadAsStringAsync());
        await boss.ProblemAsync(HttpMethod.Put, "/products/retry-pkg", Package("cctv-2"), productKey, HttpStatusCode.UnprocessableEntity);
        Assert.Equal(["cctv-1"], (await boss.GetAsync("/products/retry-pkg")).GetProperty("channels").EnumerateArray().Select(c => c.GetString()));
        var view = await boss.GetAsync("/subscribers/retry");
        Assert.Equal(("Li Lei", "suspended", 2L), (view.GetProperty("name").GetString(), view.GetProperty("status").GetString(), view.GetProperty("version").GetInt64()));
    }

    [Fact]
    public async Task Bad_signatures_and_stale_or_future_timestamps_are_401_and_persist_nothing()
    {
        var boss = Boss;
        var body = Open("unsigned");
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        HttpRequestMessage Signed(long? at = null) => boss.Request(HttpMethod.Post, "/subscribers", body, Key(), at);

        var cases = new List<(string What, HttpRequestMessage Request, string Detail)>();
        var missing = Signed();
        missing.Headers.Remove(BossSignature.SignatureHeader);
        cases.Add(("no signature", missing, "exactly one"));
        var unknown = new BossClient(fixture.Node, keyId: "nobody").Request(HttpMethod.Post, "/subscribers", body, Key());
        cases.Add(("unknown key", unknown, "unknown BOSS key"));
        cases.Add(("wrong secret", new BossClient(fixture.Node, secret: "guess").Request(HttpMethod.Post, "/subscribers", body, Key()), "does not match"));
        var tamperedBody = Signed();
        tamperedBody.Content = new StringContent(Open("unsigned", "Mallory"), Encoding.UTF8, "application/json");
        cases.Add(("tampered body", tamperedBody, "does not match"));
        var otherPath = Signed();
        otherPath.RequestUri = new Uri(BossClient.Prefix + "/subscribers?x=1", UriKind.Relative);
        cases.Add(("tampered target", otherPath, "does not match"));
        cases.Add(("stale", Signed(now - 360), "stale"));
        // A minute past the 300 s window either way, so the node's clock moving on during the spec cannot bring one inside it.
        cases.Add(("future", Signed(now + 360), "in the future"));
        var garbage = Signed();
        garbage.Headers.Remove(BossSignature.TimestampHeader);
        garbage.Headers.Add(BossSignature.TimestampHeader, "yesterday");
        cases.Add(("not a timestamp", garbage, "Unix seconds"));

        foreach (var (what, request, detail) in cases)
        {
            using var response = await fixture.Node.Http.SendAsync(request);
            var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized);
            Assert.True(problem.GetProperty("detail").GetString()!.Contains(detail), $"{what}: {problem}");
            request.Dispose();
        }

        // Reads are signed too.
        using var read = new HttpRequestMessage(HttpMethod.Get, BossClient.Prefix + "/subscribers");
        using var unsignedRead = await fixture.Node.Http.SendAsync(read);
        await ProblemAssert.IsProblemAsync(unsignedRead, HttpStatusCode.Unauthorized);

        await boss.ProblemAsync(HttpMethod.Get, "/subscribers/unsigned", null, null, HttpStatusCode.NotFound);
        Assert.Equal(0L, fixture.JournalEvents("unsigned"));
    }

    [Fact]
    public async Task A_replayed_signed_mutation_is_409_even_with_another_idempotency_key_and_a_replayed_read_is_answered()
    {
        var boss = Boss;
        using var first = boss.Request(HttpMethod.Post, "/subscribers", Open("replayed"), Key());
        var signature = first.Headers.GetValues(BossSignature.SignatureHeader).Single();
        var timestamp = long.Parse(first.Headers.GetValues(BossSignature.TimestampHeader).Single(), CultureInfo.InvariantCulture);
        using (var response = await fixture.Node.Http.SendAsync(first)) Assert.Equal(HttpStatusCode.Created, response.StatusCode);

        using var replay = boss.Request(HttpMethod.Post, "/subscribers", Open("replayed"), Key(), timestamp, signature);
        using var replayed = await fixture.Node.Http.SendAsync(replay);
        var problem = await ProblemAssert.IsProblemAsync(replayed, HttpStatusCode.Conflict);
        Assert.Contains("seen before", problem.GetProperty("detail").GetString());

        using var read = boss.Request(HttpMethod.Get, "/subscribers/replayed");
        using var again = boss.Request(HttpMethod.Get, "/subscribers/replayed", timestamp: long.Parse(read.Headers.GetValues(BossSignature.TimestampHeader).Single(), CultureInfo.InvariantCulture),
            signature: read.Headers.GetValues(BossSignature.SignatureHeader).Single());
        // A read changes nothing: the same signed GET twice is answered twice.
        using (var ok = await fixture.Node.Http.SendAsync(read)) Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        using (var twice = await fixture.Node.Http.SendAsync(again)) Assert.Equal(HttpStatusCode.OK, twice.StatusCode);
        Assert.Equal(1L, fixture.JournalEvents("replayed"));
    }

    [Fact]
    public async Task Missing_idempotency_keys_malformed_json_missing_fields_and_bad_ids_are_400_and_persist_nothing()
    {
        var boss = Boss;
        await boss.JsonAsync(HttpMethod.Post, "/subscribers", Open("bad-input"), Key(), HttpStatusCode.Created);

        Assert.Contains("Idempotency-Key", (await boss.ProblemAsync(HttpMethod.Post, "/subscribers", Open("bad-new"), null, HttpStatusCode.BadRequest)).GetProperty("detail").GetString());
        await boss.ProblemAsync(HttpMethod.Post, "/subscribers/bad-input/suspend", """{"reason":"x"}""", null, HttpStatusCode.BadRequest);
        await boss.ProblemAsync(HttpMethod.Put, "/products/bad-pkg", Package("cctv-1"), null, HttpStatusCode.BadRequest);
        await boss.ProblemAsync(HttpMethod.Delete, "/subscribers/bad-input/orders/bad-pkg", null, null, HttpStatusCode.BadRequest);
        await boss.ProblemAsync(HttpMethod.Post, "/subscribers", Open("bad-new"), "has space", HttpStatusCode.BadRequest, DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 30);

        (string Method, string Target, string? Json, string Field)[] cases =
        [
            ("POST", "/subscribers", """{"id":"bad-new","name":""", "body"),
            ("POST", "/subscribers", "[1,2]", "body"),
            ("POST", "/subscribers", """{"id":"bad-new","name":"A","colour":"red"}""", "colour"),
            ("POST", "/subscribers", """{"id":"bad-new"}""", "name"),
            ("POST", "/subscribers", """{"id":"Bad_New","name":"A"}""", "id"),
            ("POST", "/subscribers", """{"id":"bad-new","name":"A","deviceLimit":0}""", "deviceLimit"),
            ("POST", "/subscribers", """{"id":"bad-new","name":"A","streamLimit":"two"}""", "streamLimit"),
            ("POST", "/subscribers/bad-input/suspend", "{}", "reason"),
            ("POST", "/subscribers/Not..An.Id/suspend", """{"reason":"x"}""", "id"),
            ("POST", "/subscribers/bad-input/devices", """{"id":"stb-9","kind":"fridge"}""", "kind"),
            ("POST", "/subscribers/bad-input/devices", """{"id":"stb-9","kind":"stb","mac":"nope"}""", "mac"),
            ("POST", "/subscribers/bad-input/orders", """{"productId":"Bad Pkg"}""", "productId"),
            ("POST", "/subscribers/bad-input/orders", """{"productId":"x","from":"tomorrow"}""", "from"),
            ("PUT", "/subscribers/bad-input/limits", """{"deviceLimit":2}""", "streamLimit"),
            ("PUT", "/products/bad-pkg", """{"kind":"package","name":"B","price":1,"currency":"CNY","channels":[]}""", "channels"),
            ("PUT", "/products/bad-pkg", """{"kind":"bundle","name":"B","price":1,"currency":"CNY"}""", "kind"),
            ("PUT", "/products/bad-pkg", """{"kind":"package","name":"B","price":1.5,"currency":"CNY","channels":["cctv-1"]}""", "price"),
            ("PUT", "/products/bad-pkg", """{"kind":"tvod","name":"B","price":1,"currency":"CNY","titleId":"t-1"}""", "validityHours"),
            ("PUT", "/products/Bad_Pkg", Package("cctv-1"), "productId"),
        ];
        foreach (var (method, target, json, field) in cases)
        {
            var problem = await boss.ProblemAsync(new HttpMethod(method), target, json, Key(), HttpStatusCode.BadRequest);
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{method} {target} {json}: {problem}");
        }

        foreach (var (target, field) in new[]
                 {
                     ("/subscribers?limit=0", "limit"), ("/subscribers/bad-input/authorization", "channel"),
                     ("/subscribers/bad-input/authorization?channel=cctv-1&at=noon", "at"), ("/subscribers/Bad_Input", "id"),
                 })
        {
            var problem = await boss.ProblemAsync(HttpMethod.Get, target, null, null, HttpStatusCode.BadRequest);
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{target}: {problem}");
        }

        var cancel = await boss.ProblemAsync(HttpMethod.Delete, "/subscribers/bad-input/orders/bad-pkg?effectiveAt=soon", null, Key(), HttpStatusCode.BadRequest);
        Assert.True(cancel.GetProperty("errors").TryGetProperty("effectiveAt", out _), cancel.ToString());
        await boss.ProblemAsync(HttpMethod.Post, "/subscribers", $$"""{"id":"bad-new","name":"{{new string('x', 70_000)}}"}""", Key(), HttpStatusCode.RequestEntityTooLarge);

        using var notJson = boss.Request(HttpMethod.Post, "/subscribers", null, Key());
        notJson.Content = new StringContent("id=bad-new", Encoding.UTF8, "text/plain");
        notJson.Headers.Remove(BossSignature.SignatureHeader);
        notJson.Headers.Add(BossSignature.SignatureHeader, BossSignature.Compute(BossClient.Secret, "POST", BossClient.Prefix + "/subscribers",
            notJson.Headers.GetValues(BossSignature.TimestampHeader).Single(), "id=bad-new"u8));
        using (var response = await fixture.Node.Http.SendAsync(notJson)) await ProblemAssert.IsProblemAsync(response, HttpStatusCode.UnsupportedMediaType);

        await boss.ProblemAsync(HttpMethod.Get, "/subscribers/bad-new", null, null, HttpStatusCode.NotFound);
        await boss.ProblemAsync(HttpMethod.Get, "/products/bad-pkg", null, null, HttpStatusCode.NotFound);
        Assert.Equal(1L, (await boss.GetAsync("/subscribers/bad-input")).GetProperty("version").GetInt64());
        Assert.Equal(1L, fixture.JournalEvents("bad-input"));
    }

    [Fact]
    public async Task Unknown_subscribers_and_products_are_404_and_ordering_twice_or_cancelling_the_unordered_are_409()
    {
        var boss = Boss;
        await boss.JsonAsync(HttpMethod.Put, "/products/conflict-pkg", Package("cctv-1"), Key());
        await boss.JsonAsync(HttpMethod.Put, "/products/conflict-other", Package("cctv-2"), Key());
        await boss.JsonAsync(HttpMethod.Post, "/subscribers", Open("conflicts"), Key(), HttpStatusCode.Created);
        await boss.JsonAsync(HttpMethod.Post, "/subscribers/conflicts/orders", """{"productId":"conflict-pkg"}""", Key());

        // Signed earlier: the same bytes signed in the same second would be a replay, not a second order.
        await boss.ProblemAsync(HttpMethod.Post, "/subscribers/conflicts/orders", """{"productId":"conflict-pkg"}""", Key(), HttpStatusCode.Conflict,
            DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 30);
        await boss.ProblemAsync(HttpMethod.Delete, "/subscribers/conflicts/orders/conflict-other", null, Key(), HttpStatusCode.Conflict);
        Assert.Contains("does not exist", (await boss.ProblemAsync(HttpMethod.Post, "/subscribers/conflicts/orders", """{"productId":"no-such-pkg"}""", Key(), HttpStatusCode.NotFound))
            .GetProperty("detail").GetString());
        await boss.ProblemAsync(HttpMethod.Delete, "/subscribers/conflicts/orders/no-such-pkg", null, Key(), HttpStatusCode.NotFound);
        await boss.ProblemAsync(HttpMethod.Post, "/subscribers", Open("conflicts", "Someone Else"), Key(), HttpStatusCode.Conflict);
        await boss.ProblemAsync(HttpMethod.Post, "/subscribers/conflicts/resume", null, Key(), HttpStatusCode.Conflict);
        await boss.ProblemAsync(HttpMethod.Delete, "/subscribers/conflicts/devices/nothing", null, Key(), HttpStatusCode.NotFound);
        await boss.JsonAsync(HttpMethod.Post, "/subscribers/conflicts/devices", """{"id":"p-1","kind":"phone"}""", Key());
        await boss.JsonAsync(HttpMethod.Post, "/subscribers/conflicts/devices", """{"id":"p-2","kind":"tablet"}""", Key());
        Assert.Contains("device limit", (await boss.ProblemAsync(HttpMethod.Post, "/subscribers/conflicts/devices", """{"id":"p-3","kind":"browser"}""", Key(), HttpStatusCode.Conflict))
            .GetProperty("detail").GetString());

        foreach (var (method, target, json) in new (string, string, string?)[]
                 {
                     ("GET", "/subscribers/nobody", null), ("GET", "/subscribers/nobody/usage", null), ("POST", "/subscribers/nobody/suspend", """{"reason":"x"}"""),
                     ("POST", "/subscribers/nobody/orders", """{"productId":"conflict-pkg"}"""), ("GET", "/products/no-such-pkg", null),
                 })
            await boss.ProblemAsync(new HttpMethod(method), target, json, method == "GET" ? null : Key(), HttpStatusCode.NotFound);
        Assert.Equal("unknown-subscriber", (await boss.GetAsync("/subscribers/nobody/authorization?channel=cctv-1")).GetProperty("denial").GetString());

        Assert.Equal(4L, (await boss.GetAsync("/subscribers/conflicts")).GetProperty("version").GetInt64());
        Assert.Equal(4L, fixture.JournalEvents("conflicts"));
        Assert.Equal(0L, fixture.JournalEvents("nobody"));

        await boss.JsonAsync(HttpMethod.Post, "/subscribers/conflicts/close", """{"reason":"moved"}""", Key());
        Assert.Contains("closed", (await boss.ProblemAsync(HttpMethod.Post, "/subscribers/conflicts/orders", """{"productId":"conflict-other"}""", Key(), HttpStatusCode.Conflict))
            .GetProperty("detail").GetString());
        Assert.Equal("closed", (await boss.GetAsync("/subscribers/conflicts")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Without_configured_keys_the_boss_api_is_503_not_unsigned()
    {
        await using var node = await HostProcess.StartAsync(new HostOptions { DataDir = Repo.TempDir("boss-nokeys") });
        using var response = await new BossClient(node).SendAsync(HttpMethod.Post, "/subscribers", Open("nokeys"), Key());
        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.ServiceUnavailable);
        Assert.Contains("no BOSS keys configured", problem.GetProperty("detail").GetString());
    }
}
