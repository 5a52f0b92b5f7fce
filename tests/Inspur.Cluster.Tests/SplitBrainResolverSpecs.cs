using Inspur.Testing;
using Xunit.Abstractions;

namespace Inspur.Cluster.Tests;

/// <summary>
/// A node that crashes (SIGKILL) is downed by the keep-majority split-brain resolver, and the channels it hosted come
/// back on the survivors from the PostgreSQL journal.
/// </summary>
public sealed class SplitBrainResolverSpecs(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    private const int FirstBatch = 20;
    private const int MostChannels = 60;

    private readonly List<string> _dirs = [];
    private readonly List<HostProcess> _nodes = [];
    private PostgresDatabase? _database;

    public async Task InitializeAsync() => _database = await PostgresDatabase.CreateAsync();

    public async Task DisposeAsync()
    {
        foreach (var node in _nodes) await node.DisposeAsync();
        if (_database is not null) await _database.DisposeAsync();
        foreach (var dir in _dirs)
        {
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    [Fact]
    public async Task A_killed_node_is_downed_by_the_majority_and_its_channels_are_served_by_the_survivors()
    {
        var options = Enumerable.Range(1, 3).Select(_ => NewOptions()).ToList();
        var seeds = options.Select(o => $"akka.tcp://inspur@127.0.0.1:{o.AkkaPort}").ToList();
        foreach (var o in options) _nodes.Add(HostProcess.Launch(o with { SeedNodes = seeds }));
        foreach (var node in _nodes) await node.WaitReadyAsync();
        var (node1, node2, node3) = (_nodes[0], _nodes[1], _nodes[2]);

        await Poll.UntilAsync("node 1 seeing 3 members Up", Wait, async () =>
        {
            var show = await PbmProcess.RunAsync([node1.OpsTarget, "cluster", "show"]);
            return show.ExitCode == 0 && show.Stdout.Contains("Members: 3 (up 3", StringComparison.Ordinal) ? null : show.ToString();
        }, Logs);

        // Enough channels that node 3 hosts at least one of them (shards are allocated to the region with the fewest).
        var channels = new List<Channels.Channel>();
        var onNode3 = 0;
        while (onNode3 == 0)
        {
            Assert.True(channels.Count < MostChannels, $"node 3 hosts none of {channels.Count} channels\n{Logs()}");
            var batch = Enumerable.Range(channels.Count, channels.Count == 0 ? FirstBatch : 10)
                .Select(i => new Channels.Channel($"sbr-{i:00}", $"SBR channel {i:00}", 500 + i))
                .ToList();
            foreach (var channel in batch) await Channels.CreateAsync(node1.Http, channel, Wait, Logs);
            channels.AddRange(batch);
            foreach (var channel in channels)
                await Poll.UntilAsync($"{channel.Id} readable on node 1", Wait, () => Channels.MismatchAsync(node1.Http, channel), Logs);

            var stats = await PbmProcess.RunAsync([node1.OpsTarget, "cluster-sharding", "shard-stats", "channel"]);
            Assert.True(stats.ExitCode == 0, $"shard-stats failed: {stats}\n{Logs()}");
            var entities = PbmOutput.EntitiesByRegion(stats.Stdout);
            Assert.True(entities.Count == 3, $"expected 3 regions in shard-stats:\n{stats}\n{Logs()}");
            onNode3 = entities.GetValueOrDefault(node3.AkkaAddress);
            output.WriteLine($"{channels.Count} channels; shard-stats:\n{stats.Stdout}");
        }

        await node3.KillAsync();

        await Poll.UntilAsync("the resolver downing node 3 (node 1 seeing 2 members Up, none unreachable)", Wait, async () =>
        {
            var show = await PbmProcess.RunAsync([node1.OpsTarget, "cluster", "show"]);
            return show.ExitCode == 0
                   && !show.Stdout.Contains(node3.AkkaAddress, StringComparison.Ordinal)
                   && show.Stdout.Contains("Members: 2 (up 2, unreachable 0)", StringComparison.Ordinal)
                ? null
                : show.ToString();
        }, Logs);

        foreach (var channel in channels)
            await Poll.UntilAsync($"{channel.Id} readable on node 2 after node 3 died", Wait, () => Channels.MismatchAsync(node2.Http, channel), Logs);

        Assert.False(node1.HasExited, $"node 1 stopped:\n{Logs()}");
        Assert.False(node2.HasExited, $"node 2 stopped:\n{Logs()}");
    }

    private HostOptions NewOptions()
    {
        var dir = Repo.TempDir("sbr-node");
        _dirs.Add(dir);
        return new HostOptions { DataDir = dir, Postgres = _database!.ConnectionString, StableAfter = "3s" };
    }

    private string Logs() =>
        string.Concat(_nodes.Select((node, i) => Diagnostics.Tail($"node {i + 1} ({node.AkkaAddress}, pid {node.Pid})", node.Output)));
}
