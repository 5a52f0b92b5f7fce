using System.Globalization;
using System.Text;
using Akka.Hosting;
using Inspur.Actors.Channels;
using Inspur.Actors.Configuration;
using Inspur.Actors.Epg;
using Inspur.Domain.Channels;
using Inspur.Domain.Epg;
using Inspur.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using static Inspur.Domain.Epg.EpgReplies;

namespace Inspur.Actors.Tests;

/// <summary>
/// The production wiring imports XMLTV into the sharded <c>epg</c> entities and the grid; that system stops; a second one on
/// the same database recovers each channel's EPG (through a snapshot after many imports) and re-projects the grid.
/// </summary>
public sealed class EpgRecoverySpecs
{
    private static readonly ChannelId One = new("cctv-1");
    private static readonly ChannelId Two = new("cctv-2");
    private static readonly DateTimeOffset Day = new(DateTimeOffset.UtcNow.UtcDateTime.Date.AddDays(1), TimeSpan.Zero);

    [Fact]
    public Task Recovers_on_sqlite() => WriteStopRecover(Repo.TempDir("epg-recovery-sqlite"), null);

    [Fact]
    public async Task Recovers_on_postgres()
    {
        await using var db = await PostgresDatabase.CreateAsync();
        await WriteStopRecover(Repo.TempDir("epg-recovery-pg"), db.ConnectionString);
    }

    [Fact]
    public async Task A_malformed_file_changes_no_channel()
    {
        using var host = await StartAsync(Repo.TempDir("epg-malformed"), null);
        await CreateChannels(host);
        var importer = host.Services.GetRequiredService<EpgImporter>();
        await importer.ImportAsync(Xml(Prog(One, 8, 1, "Kept")), EpgChannelMap.Identity, "upload");

        var bad = Xml(Prog(One, 9, 1, "New"), Prog(Two, 9, 1, "Also new"), "<programme>");
        var result = await importer.ImportAsync(bad, EpgChannelMap.Identity, "upload");

        Assert.True(result.Report.Malformed);
        Assert.Empty(result.Channels);
        var epg = host.Services.GetRequiredService<IEpgService>();
        Assert.Equal(["Kept"], (await epg.ScheduleAsync(One, Day, Day.AddDays(1))).Programmes.Select(p => p.Title));
        Assert.Empty((await epg.ScheduleAsync(Two, Day, Day.AddDays(1))).Programmes);
    }

    private static async Task WriteStopRecover(string dataDir, string? postgres)
    {
        var lastTitle = "";
        using (var first = await StartAsync(dataDir, postgres))
        {
            await CreateChannels(first);
            var importer = first.Services.GetRequiredService<EpgImporter>();
            var result = await importer.ImportAsync(Xml(Prog(One, 8, 2, "Morning"), Prog(One, 10, 1, "News"), Prog(Two, 8, 1, "Cartoons"),
                Prog(new ChannelId("not-ours"), 8, 1, "Dropped")), EpgChannelMap.Identity, "upload");
            Assert.Equal([(One, 2, true), (Two, 1, true)], result.Channels.Select(c => (c.ChannelId, c.Programmes, c.Changed)));
            Assert.Equal(IssueKinds.UnknownChannel, Assert.Single(result.Report.Issues).Kind);

            // Enough further imports of one channel that it recovers from a snapshot plus events.
            for (var i = 0; i < EpgActor.SnapshotEvery + 2; i++)
            {
                lastTitle = $"Evening {i}";
                var again = await importer.ImportAsync(Xml(Prog(One, 20, 1, lastTitle)), EpgChannelMap.Identity, "upload");
                Assert.True(Assert.Single(again.Channels).Changed);
            }

            await first.StopAsync();
        }

        using var second = await StartAsync(dataDir, postgres);
        var epg = second.Services.GetRequiredService<IEpgService>();

        var nowNext = await epg.NowNextAsync(One, Day.AddHours(9));
        Assert.Equal(("Morning", "News"), (nowNext.Now?.Title, nowNext.Next?.Title));
        var found = Assert.IsType<ProgrammeFound>(await epg.ProgrammeAsync(Programme.IdFor(One, Day.AddHours(20))));
        Assert.Equal(lastTitle, found.Programme.Title);
        Assert.IsType<EpgRejected>(await epg.ProgrammeAsync(Programme.IdFor(One, Day.AddHours(21))));

        var grid = await epg.GridAsync(DateOnly.FromDateTime(Day.UtcDateTime));
        Assert.Equal([One, Two], grid.Select(r => r.ChannelId));
        Assert.Equal(["Morning", "News", lastTitle], grid[0].Programmes.Select(p => p.Title));

        var same = await second.Services.GetRequiredService<EpgImporter>().ImportAsync(Xml(Prog(Two, 8, 1, "Cartoons")), EpgChannelMap.Identity, "upload");
        Assert.False(Assert.Single(same.Channels).Changed);
    }

    private static string Prog(ChannelId channel, int hour, int hours, string title) =>
        $"""<programme start="{Time(Day.AddHours(hour))}" stop="{Time(Day.AddHours(hour + hours))}" channel="{channel}"><title>{title}</title></programme>""";

    private static string Time(DateTimeOffset t) => t.ToOffset(TimeSpan.FromHours(8)).ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) + " +0800";

    private static MemoryStream Xml(params string[] programmes) =>
        new(Encoding.UTF8.GetBytes($"<?xml version=\"1.0\"?>\n<tv>\n{string.Join('\n', programmes)}\n</tv>"));

    private static async Task CreateChannels(IHost host)
    {
        var channels = host.Services.GetRequiredService<IChannelService>();
        await channels.CreateAsync(One, new ChannelConfig("CCTV 1", 1));
        await channels.CreateAsync(Two, new ChannelConfig("CCTV 2", 2));
    }

    private static async Task<IHost> StartAsync(string dataDir, string? postgres)
    {
        var config = TestConfig.Node(dataDir, postgres);
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddAkka("inspur", (akka, _) =>
            akka.WithInspurNode(config).WithChannelActors(InspurAkkaConfig.Roles(config)).WithEpgActors(InspurAkkaConfig.Roles(config)));
        builder.Services.AddSingleton<IChannelService, ChannelService>();
        builder.Services.AddInspurEpg();
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }
}
