using Akka.Hosting;
using Inspur.Actors.Configuration;
using Inspur.Actors.Sessions;
using Inspur.Actors.Subscribers;
using Inspur.Domain.Channels;
using Inspur.Domain.Subscribers;
using Inspur.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using static Inspur.Domain.Subscribers.ProductCatalogProtocol;
using static Inspur.Domain.Subscribers.SubscriberCommands;
using static Inspur.Domain.Subscribers.SubscriberReplies;

namespace Inspur.Actors.Tests;

/// <summary>
/// The production wiring: products, accounts, devices and orders are written (past a snapshot, so recovery reads a snapshot
/// and events after it); that system stops; a second one on the same database recovers every account, its idempotency keys,
/// its entitlements and the catalog, and the directory re-projects them.
/// </summary>
public sealed class SubscriberRecoverySpecs
{
    private static readonly ChannelId Cctv1 = new("cctv-1");
    private static readonly ProductId Basic = new("basic");
    private static readonly ProductDefinition Package = new(ProductKind.Package, "Basic", 3000, "CNY") { Channels = [Cctv1] };

    [Fact]
    public Task Recovers_on_sqlite() => WriteStopRecover(Repo.TempDir("subscriber-recovery-sqlite"), null);

    [Fact]
    public async Task Recovers_on_postgres()
    {
        await using var db = await PostgresDatabase.CreateAsync();
        await WriteStopRecover(Repo.TempDir("subscriber-recovery-pg"), db.ConnectionString);
    }

    private static async Task WriteStopRecover(string dataDir, string? postgres)
    {
        var (li, han) = (new SubscriberId("li-lei"), new SubscriberId("han-meimei"));
        var now = DateTimeOffset.UtcNow;
        long liVersion;
        using (var first = await StartAsync(dataDir, postgres))
        {
            var service = first.Services.GetRequiredService<ISubscriberService>();
            var defined = Assert.IsType<ProductReceipt>(await service.DefineProductAsync(Basic, Package, "p-1"));
            Assert.Equal(defined with { Replayed = true }, await service.DefineProductAsync(Basic, Package, "p-1"));
            Assert.IsType<SubscriberReceipt>(await service.ExecuteAsync(new OpenAccount(li, "open-li", "Li Lei", new SubscriberLimits(3, 2))));
            Assert.IsType<SubscriberReceipt>(await service.ExecuteAsync(new OpenAccount(han, "open-han", "Han Meimei", new SubscriberLimits(1, 1))));
            Assert.IsType<SubscriberReceipt>(await service.ExecuteAsync(new OrderProduct(li, "order-li", Basic, null, null, null)));
            Assert.IsType<SubscriberReceipt>(await service.ExecuteAsync(new RegisterDevice(li, "stb-li", "stb-1", DeviceKind.Stb, "00:1a:2b:3c:4d:5e", null, null)));
            // Past the snapshot interval, so the second system recovers from a snapshot and the events after it.
            for (var i = 0; i < SubscriberActor.SnapshotEvery; i++)
                Assert.IsType<SubscriberReceipt>(await service.ExecuteAsync(i % 2 == 0 ? new SuspendAccount(li, $"s-{i}", "unpaid") : new ResumeAccount(li, $"s-{i}")));
            Assert.IsType<SubscriberReceipt>(await service.ExecuteAsync(new SuspendAccount(han, "suspend-han", "fraud")));
            var unknown = Assert.IsType<SubscriberRejected>(await service.ExecuteAsync(new OrderProduct(li, "order-x", new ProductId("nope"), null, null, null)));
            Assert.Equal(SubscriberRejection.NotFound, unknown.Reason);
            liVersion = Assert.IsType<SubscriberView>(await service.GetAsync(li)).Version;
            Assert.Equal(3 + SubscriberActor.SnapshotEvery, liVersion);
            await first.StopAsync();
        }

        using var second = await StartAsync(dataDir, postgres);
        var again = second.Services.GetRequiredService<ISubscriberService>();
        var view = Assert.IsType<SubscriberView>(await again.GetAsync(li));
        Assert.Equal((SubscriberStatus.Active, liVersion, "stb-1"), (view.Status, view.Version, view.Devices.Single().DeviceId));
        Assert.Equal(Basic, view.Orders.Single().ProductId);
        Assert.Equal(SubscriberStatus.Suspended, Assert.IsType<SubscriberView>(await again.GetAsync(han)).Status);

        // Keys from before the snapshot and after it are still known: retries answer the first receipt and write nothing.
        var replayed = Assert.IsType<SubscriberReceipt>(await again.ExecuteAsync(new OrderProduct(li, "order-li", Basic, null, null, null)));
        Assert.Equal((2L, true), (replayed.Version, replayed.Replayed));
        Assert.True(Assert.IsType<SubscriberReceipt>(await again.ExecuteAsync(new ResumeAccount(li, $"s-{SubscriberActor.SnapshotEvery - 1}"))).Replayed);
        Assert.Equal(SubscriberRejection.IdempotencyMismatch,
            Assert.IsType<SubscriberRejected>(await again.ExecuteAsync(new SuspendAccount(li, "open-li", "x"))).Reason);
        Assert.Equal(liVersion, Assert.IsType<SubscriberView>(await again.GetAsync(li)).Version);

        var allowed = await again.AuthorizeAsync(li, Cctv1, now.AddMinutes(1));
        Assert.True(allowed.Allowed, allowed.Denial?.ToString());
        Assert.Equal(AuthorizationDenial.Suspended, (await again.AuthorizeAsync(han, Cctv1, now)).Denial);
        Assert.Equal(AuthorizationDenial.UnknownSubscriber, (await again.AuthorizeAsync(new SubscriberId("nobody"), Cctv1, now)).Denial);

        Assert.Equal(Package.Price, Assert.IsType<ProductFound>(await again.GetProductAsync(Basic)).Product.Definition.Price);
        Assert.Equal([Basic], (await again.ListProductsAsync()).Select(p => p.ProductId));
        Assert.Equal([(han, SubscriberStatus.Suspended), (li, SubscriberStatus.Active)], (await again.SearchAsync(null)).Select(s => (s.SubscriberId, s.Status)));
        Assert.Equal([li], (await again.SearchAsync("LEI")).Select(s => s.SubscriberId));
        Assert.Equal(liVersion, (await again.SearchAsync("li-lei")).Single().Version);
    }

    private static async Task<IHost> StartAsync(string dataDir, string? postgres)
    {
        var config = TestConfig.Node(dataDir, postgres);
        var roles = InspurAkkaConfig.Roles(config);
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        // A suspend or close revokes the account's playback, so the subscriber facade needs the session side too.
        var sessions = new SessionSettings();
        builder.Services.AddAkka("inspur", (akka, _) => akka.WithInspurNode(config).WithSubscriberActors(roles).WithSessionActors(roles, sessions));
        builder.Services.AddInspurSubscribers();
        builder.Services.AddInspurSessions(sessions);
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }
}
