using System.Net;
using System.Text.Json;
using Inspur.Testing;

namespace Inspur.Host.Tests;

/// <summary>What the billing specs share: the settings pointing a node at a receiver, and a catalog plus orders that make records.</summary>
public static class Billing
{
    public const string KeyId = "billing-test";
    public const string Secret = "billing-secret-for-specs";

    public static Dictionary<string, string> Settings(BossReceiver? receiver, bool signed = false)
    {
        var settings = BossClient.Settings;
        settings["Inspur:Billing:FirstRetrySeconds"] = "0.2";
        settings["Inspur:Billing:MaxRetrySeconds"] = "1";
        if (receiver is not null) settings["Inspur:Billing:BossUrl"] = receiver.Url;
        if (signed)
        {
            settings["Inspur:Billing:KeyId"] = KeyId;
            settings["Inspur:Billing:Secret"] = Secret;
        }

        return settings;
    }

    public static async Task DefineProductsAsync(BossClient boss)
    {
        await boss.JsonAsync(HttpMethod.Put, "/products/basic", """{"kind":"package","name":"Basic","price":3000,"currency":"CNY","channels":["cctv-1","cctv-5"]}""", Key());
        await boss.JsonAsync(HttpMethod.Put, "/products/films", """{"kind":"svod","name":"Films","price":1500,"currency":"CNY","vodPacks":["films","kids"]}""", Key());
        await boss.JsonAsync(HttpMethod.Put, "/products/film-1-rent", """{"kind":"tvod","name":"Film 1","price":500,"currency":"CNY","titleId":"film-1","validityHours":48}""", Key());
    }

    public static Task OpenAsync(BossClient boss, string id) =>
        boss.JsonAsync(HttpMethod.Post, "/subscribers", $$"""{"id":"{{id}}","name":"Li Lei"}""", Key(), HttpStatusCode.Created);

    public static Task OrderAsync(BossClient boss, string id, string product) =>
        boss.JsonAsync(HttpMethod.Post, $"/subscribers/{id}/orders", $$"""{"productId":"{{product}}"}""", Key());

    public static Task<JsonElement> ReportAsync(BossClient boss) => boss.GetAsync("/billing/reconciliation");

    /// <summary>Polls the report until <paramref name="done"/> holds; fails with the node's output after a generous deadline.</summary>
    public static Task<JsonElement> ReportUntilAsync(BossClient boss, Func<JsonElement, bool> done, string what) =>
        boss.Node.EventuallyAsync<JsonElement?>(async () => await ReportAsync(boss) is var r && done(r) ? r : null, TimeSpan.FromMinutes(2), what)
            .ContinueWith(t => t.Result!.Value, TaskScheduler.Default);

    public static int Count(JsonElement report, string status) => report.GetProperty("counts").GetProperty(status).GetInt32();

    public static string Key() => Guid.NewGuid().ToString("N");
}

/// <summary>The outbox across a crash: a SIGKILL while the BOSS holds a delivery open, then a restart on the same journal.</summary>
public sealed class BillingOutboxKillSpecs
{
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Outbox_survives_a_kill_during_delivery_with_no_loss_and_no_duplicate_at_the_receiver(string store)
    {
        await using var db = store == "postgres" ? await PostgresDatabase.CreateAsync() : null;
        await using var receiver = new BossReceiver(Billing.Secret, holdFirst: true);
        var options = new HostOptions { DataDir = Repo.TempDir("billing-kill"), Postgres = db?.ConnectionString, Settings = Billing.Settings(receiver, signed: true) };
        var expected = new List<string>();
        await using (var node = await HostProcess.StartAsync(options))
        {
            var boss = new BossClient(node);
            await Billing.DefineProductsAsync(boss);
            await Billing.OpenAsync(boss, "acct-a");
            await Billing.OpenAsync(boss, "acct-b");
            await Billing.OrderAsync(boss, "acct-a", "basic");
            await Billing.OrderAsync(boss, "acct-a", "films");
            await Billing.OrderAsync(boss, "acct-a", "film-1-rent");
            await boss.JsonAsync(HttpMethod.Delete, "/subscribers/acct-a/orders/films", key: Billing.Key());
            await Billing.OrderAsync(boss, "acct-b", "film-1-rent");
            // acct-a's events 2-5 (three orders and a cancellation) and acct-b's order 2; event 1 is each account's opening.
            expected.AddRange(["subscriber-acct-a:2", "subscriber-acct-a:3", "subscriber-acct-a:4", "subscriber-acct-a:5", "subscriber-acct-b:2"]);

            await receiver.FirstHeld.WaitAsync(TimeSpan.FromMinutes(2));
            await node.KillAsync();
        }

        receiver.Release();
        // The held one is the request numbered first, not necessarily the first in the queue: parallel deliveries are
        // numbered and queued in two steps.
        var held = receiver.Arrivals.Single(a => a.Number == 1).Key;
        await using (var node = await HostProcess.StartAsync(options with { HttpPort = Repo.FreePort(), AkkaPort = Repo.FreePort(), OpsPort = Repo.FreePort() }))
        {
            var boss = new BossClient(node);
            var report = await Billing.ReportUntilAsync(boss, r => Billing.Count(r, "delivered") == expected.Count, "every record acknowledged after the restart");

            Assert.Equal((0, 0), (Billing.Count(report, "pending"), Billing.Count(report, "rejected")));
            Assert.Empty(report.GetProperty("records").EnumerateArray());
        }

        var arrivals = receiver.Arrivals;
        // No loss, and no event got a second id: the keys the BOSS saw are exactly one per billed event.
        Assert.Equal(expected.Order(), arrivals.Select(a => a.Key).Distinct().Order());
        Assert.Equal(expected.Order(), receiver.Applied.Keys.Order());
        // The delivery the kill interrupted came again, with the same key and the same record, so the BOSS applied it once.
        Assert.True(receiver.ArrivalsOf(held) >= 2, $"{held} arrived {receiver.ArrivalsOf(held)} times");
        Assert.All(arrivals, a => Assert.Equal(receiver.Applied[a.Key], a.Body.GetRawText()));
        Assert.All(arrivals, a => Assert.Equal(a.Key, a.Body.GetProperty("id").GetString()));
        // In order per subscriber: acct-a's records first arrived in event order.
        var firstSeen = arrivals.Where(a => a.Key.StartsWith("subscriber-acct-a:", StringComparison.Ordinal)).Select(a => a.Key).Distinct().ToList();
        Assert.Equal(expected.Take(4), firstSeen);
        var kinds = arrivals.DistinctBy(a => a.Key).ToDictionary(a => a.Key, a => a.Body.GetProperty("kind").GetString());
        Assert.Equal(["product-ordered", "product-ordered", "tvod-purchase", "product-cancelled", "tvod-purchase"], expected.Select(k => kinds[k]));
    }
}
