using Akka.Hosting;
using Inspur.Actors.Channels;
using Inspur.Actors.Configuration;
using Inspur.Domain.Channels;
using Inspur.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using static Inspur.Domain.Channels.ChannelReplies;

namespace Inspur.Actors.Tests;

/// <summary>
/// The production wiring (single-node cluster, sharded channel entity, directory projection) in one ActorSystem writes;
/// that system stops; a second one on the same database recovers the entities and re-projects the directory.
/// </summary>
public sealed class ChannelRecoverySpecs
{
    [Fact]
    public Task Recovers_on_sqlite()
    {
        var dir = Repo.TempDir("channel-recovery-sqlite");
        return WriteStopRecover(dir, null);
    }

    [Fact]
    public async Task Recovers_on_postgres()
    {
        await using var db = await PostgresDatabase.CreateAsync();
        await WriteStopRecover(Repo.TempDir("channel-recovery-pg"), db.ConnectionString);
    }

    [Fact]
    public async Task The_directory_follows_events_written_after_it_caught_up()
    {
        var dir = Repo.TempDir("channel-directory-live");
        using var writer = await StartAsync(dir, null);
        var channels = writer.Services.GetRequiredService<IChannelService>();
        Assert.IsType<ChannelView>(await channels.CreateAsync(new ChannelId("before"), new ChannelConfig("Before", 1)));

        using var reader = await StartAsync(dir, null);
        var directory = reader.Services.GetRequiredService<IChannelService>();
        Assert.Equal(["before"], (await directory.ListAsync()).Select(c => c.ChannelId.Value));

        Assert.IsType<ChannelView>(await channels.CreateAsync(new ChannelId("after"), new ChannelConfig("After", 2)));
        Assert.IsType<ChannelView>(await channels.UpdateAsync(new ChannelId("before"), new ChannelConfig("Before HD", 101)));

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        IReadOnlyList<ChannelView> seen = [];
        while (DateTime.UtcNow < deadline)
        {
            seen = await directory.ListAsync();
            if (seen.Count == 2 && seen.Any(c => c.Version == 2)) break;
            await Task.Delay(100);
        }

        Assert.Equal(["after", "before"], seen.Select(c => c.ChannelId.Value));
        Assert.Equal(new ChannelConfig("Before HD", 101), seen.Single(c => c.ChannelId.Value == "before").Config);
    }

    private static async Task WriteStopRecover(string dataDir, string? postgres)
    {
        var one = new ChannelId("cctv-1");
        var two = new ChannelId("cctv-2");

        using (var first = await StartAsync(dataDir, postgres))
        {
            var channels = first.Services.GetRequiredService<IChannelService>();
            Assert.IsType<ChannelView>(await channels.CreateAsync(one, new ChannelConfig("CCTV 1", 1)));
            Assert.IsType<ChannelView>(await channels.CreateAsync(two, new ChannelConfig("CCTV 2", 2)));
            Assert.IsType<ChannelView>(await channels.UpdateAsync(two, new ChannelConfig("CCTV 2 HD", 102)));
            await first.StopAsync();
        }

        using var second = await StartAsync(dataDir, postgres);
        var recovered = second.Services.GetRequiredService<IChannelService>();

        var view = Assert.IsType<ChannelView>(await recovered.GetAsync(two));
        Assert.Equal(new ChannelConfig("CCTV 2 HD", 102), view.Config);
        Assert.Equal(2, view.Version);

        var list = await recovered.ListAsync();
        Assert.Equal([one, two], list.Select(c => c.ChannelId));
        Assert.Equal([1L, 2L], list.Select(c => c.Version));
    }

    private static async Task<IHost> StartAsync(string dataDir, string? postgres)
    {
        var config = TestConfig.Node(dataDir, postgres);
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddAkka("inspur", (akka, _) => akka.WithInspurNode(config).WithChannelActors(InspurAkkaConfig.Roles(config)));
        builder.Services.AddSingleton<IChannelService, ChannelService>();
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }
}
