using System.Net;
using Inspur.Testing;

namespace Inspur.Host.Tests;

/// <summary>One node delivering to a receiver that refuses one account's records and fails another's twice before taking them.</summary>
public sealed class BillingNodeFixture : IAsyncLifetime
{
    public BossReceiver Receiver { get; } = new()
    {
        Answer = a => a.Body.GetProperty("subscriber").GetString() switch
        {
            "acct-refused" => (422, "unknown account acct-refused"),
            "acct-flaky" when a.Attempt <= 2 => (503, "busy"),
            _ => (200, null),
        },
    };

    public HostProcess Node { get; private set; } = null!;

    public BossClient Boss => new(Node);

    public async Task InitializeAsync()
    {
        Node = await HostProcess.StartAsync(new HostOptions { DataDir = Repo.TempDir("billing"), Settings = Billing.Settings(Receiver) });
        await Billing.DefineProductsAsync(Boss);
    }

    public async Task DisposeAsync()
    {
        await Node.DisposeAsync();
        await Receiver.DisposeAsync();
    }
}

/// <summary>The reconciliation report and the entitlements endpoint over a real node and a real receiver, bad input included.</summary>
public sealed class BillingApiSpecs(BillingNodeFixture fixture) : IClassFixture<BillingNodeFixture>
{
    private BossClient Boss => fixture.Boss;

    [Fact]
    public async Task A_refused_record_is_listed_with_the_reason_and_a_failing_one_is_retried_until_acknowledged()
    {
        await Billing.OpenAsync(Boss, "acct-refused");
        await Billing.OpenAsync(Boss, "acct-flaky");
        await Billing.OrderAsync(Boss, "acct-refused", "basic");
        await Billing.OrderAsync(Boss, "acct-flaky", "films");

        var report = await Billing.ReportUntilAsync(Boss,
            r => fixture.Receiver.Applied.ContainsKey("subscriber-acct-flaky:2") &&
                 r.GetProperty("records").EnumerateArray().All(x => x.GetProperty("id").GetString() != "subscriber-acct-flaky:2") &&
                 r.GetProperty("records").EnumerateArray().Any(x => x.GetProperty("status").GetString() == "rejected"),
            "the refused record rejected and the flaky one acknowledged");

        var rejected = Assert.Single(report.GetProperty("records").EnumerateArray(), x => x.GetProperty("id").GetString() == "subscriber-acct-refused:2");
        Assert.Equal(("rejected", 1), (rejected.GetProperty("status").GetString(), rejected.GetProperty("attempts").GetInt32()));
        Assert.Contains("unknown account acct-refused", rejected.GetProperty("lastError").GetString());
        Assert.Equal(3000, rejected.GetProperty("price").GetInt64());
        Assert.Equal("product-ordered", rejected.GetProperty("kind").GetString());
        Assert.DoesNotContain(report.GetProperty("records").EnumerateArray(), x => x.GetProperty("id").GetString() == "subscriber-acct-flaky:2");
        Assert.Equal(3, fixture.Receiver.ArrivalsOf("subscriber-acct-flaky:2"));
        Assert.Equal(1, fixture.Receiver.ArrivalsOf("subscriber-acct-refused:2"));
        Assert.True(report.GetProperty("sending").GetBoolean());
        Assert.True(Billing.Count(report, "rejected") >= 1);

        var later = await Boss.GetAsync($"/billing/reconciliation?since={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddMinutes(1).ToString("O"))}");
        Assert.Empty(later.GetProperty("records").EnumerateArray());
        Assert.Equal((0, 0, 0), (Billing.Count(later, "pending"), Billing.Count(later, "rejected"), Billing.Count(later, "delivered")));
    }

    [Fact]
    public async Task Entitlements_name_channels_vod_packs_and_titles_with_the_granting_order()
    {
        await Billing.OpenAsync(Boss, "acct-ent");
        await Billing.OrderAsync(Boss, "acct-ent", "basic");
        await Billing.OrderAsync(Boss, "acct-ent", "films");
        await Billing.OrderAsync(Boss, "acct-ent", "film-1-rent");

        var now = await Boss.GetAsync("/subscribers/acct-ent/entitlements");
        Assert.Equal(["cctv-1", "cctv-5"], now.GetProperty("channels").EnumerateArray().Select(c => c.GetProperty("id").GetString()));
        Assert.All(now.GetProperty("channels").EnumerateArray(), c => Assert.Equal("basic", c.GetProperty("via").GetString()));
        Assert.Equal(["films", "kids"], now.GetProperty("vodPacks").EnumerateArray().Select(c => c.GetProperty("id").GetString()));
        var title = Assert.Single(now.GetProperty("titles").EnumerateArray());
        Assert.Equal(("film-1", "film-1-rent"), (title.GetProperty("id").GetString(), title.GetProperty("via").GetString()));
        Assert.Equal("active", now.GetProperty("status").GetString());

        var afterRental = DateTimeOffset.UtcNow.AddHours(49).ToUnixTimeSeconds();
        var later = await Boss.GetAsync($"/subscribers/acct-ent/entitlements?at={afterRental}");
        Assert.Empty(later.GetProperty("titles").EnumerateArray());
        Assert.Equal(2, later.GetProperty("channels").GetArrayLength());
    }

    [Theory]
    [InlineData("/subscribers/acct-ent/entitlements?at=tomorrow", "at")]
    [InlineData("/subscribers/acct-ent/entitlements?at=2026-13-01T00:00:00Z", "at")]
    [InlineData("/subscribers/Not_An_Id/entitlements", "id")]
    [InlineData("/billing/reconciliation?since=yesterday", "since")]
    [InlineData("/billing/reconciliation?since=", "since")]
    public async Task A_bad_query_is_a_validation_problem_naming_the_field(string target, string field)
    {
        var problem = await Boss.ProblemAsync(HttpMethod.Get, target, null, null, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task Entitlements_of_an_unknown_subscriber_are_not_found()
    {
        var problem = await Boss.ProblemAsync(HttpMethod.Get, "/subscribers/nobody-here/entitlements", null, null, HttpStatusCode.NotFound);
        Assert.Contains("nobody-here", problem.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("/billing/reconciliation")]
    [InlineData("/subscribers/acct-ent/entitlements")]
    public async Task An_unsigned_or_wrongly_signed_request_is_unauthorized(string target)
    {
        using var unsigned = await fixture.Node.Http.GetAsync(BossClient.Prefix + target);
        await ProblemAssert.IsProblemAsync(unsigned, HttpStatusCode.Unauthorized);
        var wrong = new BossClient(fixture.Node, secret: "not-the-secret");
        await wrong.ProblemAsync(HttpMethod.Get, target, null, null, HttpStatusCode.Unauthorized);
    }
}

/// <summary>A node with no BOSS URL sends nothing: its records wait, listed as pending.</summary>
public sealed class BillingWithoutBossSpecs
{
    [Fact]
    public async Task Without_a_boss_url_records_stay_pending_and_are_listed_in_the_report()
    {
        await using var node = await HostProcess.StartAsync(new HostOptions { DataDir = Repo.TempDir("billing-none"), Settings = Billing.Settings(null) });
        var boss = new BossClient(node);
        await Billing.DefineProductsAsync(boss);
        await Billing.OpenAsync(boss, "acct-wait");
        await Billing.OrderAsync(boss, "acct-wait", "film-1-rent");

        var report = await Billing.ReportUntilAsync(boss, r => Billing.Count(r, "pending") == 1, "the order's record enqueued");

        Assert.False(report.GetProperty("sending").GetBoolean());
        var record = Assert.Single(report.GetProperty("records").EnumerateArray());
        Assert.Equal(("subscriber-acct-wait:2", "tvod-purchase", "pending", 0), (record.GetProperty("id").GetString(), record.GetProperty("kind").GetString(),
            record.GetProperty("status").GetString(), record.GetProperty("attempts").GetInt32()));
        Assert.Equal((500, "CNY"), (record.GetProperty("price").GetInt64(), record.GetProperty("currency").GetString()));
    }

    [Theory]
    [InlineData("Inspur:Billing:BossUrl", "ftp://boss.example/billing")]
    [InlineData("Inspur:Billing:BossUrl", "not a url")]
    [InlineData("Inspur:Billing:TimeoutSeconds", "0")]
    [InlineData("Inspur:Billing:Concurrency", "1000")]
    [InlineData("Inspur:Billing:KeyId", "only-the-key")]
    public async Task A_bad_billing_setting_stops_the_node_at_start_naming_it(string key, string value)
    {
        var settings = Billing.Settings(null);
        settings[key] = value;
        var node = HostProcess.Launch(new HostOptions { DataDir = Repo.TempDir("billing-bad"), Settings = settings });
        await using (node)
        {
            var error = await Assert.ThrowsAsync<InvalidOperationException>(node.WaitReadyAsync);
            Assert.Contains(key.Split(':')[^1], error.Message);
        }
    }
}
