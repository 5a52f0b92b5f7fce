using Inspur.Testing;

namespace Inspur.Cmd.Tests;

/// <summary>Every ops command, run through the real pbm binary against real node processes.</summary>
[Collection(PbmClusterCollection.Name)]
public sealed class PbmSpecs(PbmCluster cluster)
{
    [Fact]
    public async Task Cluster_show_lists_the_node_as_an_Up_reachable_member()
    {
        var result = await cluster.PbmAsync("cluster", "show");

        PbmAssert.Exit(0, result);
        Assert.Contains($"Self:   {cluster.Seed.AkkaAddress}", result.Stdout);
        var row = MemberRow.Find(result.Stdout, cluster.Seed.AkkaAddress);
        Assert.True(row is not null, $"no row for {cluster.Seed.AkkaAddress}:\n{result}");
        Assert.Equal("Up", row.Status);
        Assert.Equal("yes", row.Reachable);
        Assert.Equal("backoffice,edge,origin", row.Roles);
        Assert.Matches(@"Members: \d+ \(up \d+, unreachable 0\)", result.Stdout);
        Assert.Equal("", result.Stderr);
    }

    [Fact]
    public async Task Cluster_sharding_regions_lists_the_channel_type()
    {
        var result = await cluster.PbmAsync("cluster-sharding", "regions");

        PbmAssert.Exit(0, result);
        Assert.Contains("channel", result.Stdout.Split('\n', StringSplitOptions.TrimEntries));
    }

    [Fact]
    public async Task Region_stats_counts_every_created_channel_on_this_node()
    {
        var channels = await cluster.LiveChannelsAsync();

        var result = await Poll.UntilAsync(
            () => cluster.PbmAsync("cluster-sharding", "region-stats", "channel"),
            r => r.ExitCode == 0 && PbmAssert.SumOfShardLines(r.Stdout) == channels.Count,
            TimeSpan.FromSeconds(20), $"region-stats showing {channels.Count} entities", cluster.SeedTail);

        Assert.Contains($"Region channel on {cluster.Seed.AkkaAddress}", result.Stdout);
        var summary = Assert.Single(PbmAssert.Summaries(result.Stdout));
        Assert.Equal(channels.Count, summary.Entities);
        Assert.InRange(summary.Shards, 1, channels.Count);
        Assert.Equal(summary.Shards, result.Stdout.Split('\n').Count(l => l.TrimStart().StartsWith("shard ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Shard_stats_counts_every_created_channel_across_the_cluster()
    {
        var channels = await cluster.LiveChannelsAsync();

        var result = await Poll.UntilAsync(
            () => cluster.PbmAsync("cluster-sharding", "shard-stats", "channel"),
            r => r.ExitCode == 0 && PbmAssert.SumOfShardLines(r.Stdout) == channels.Count,
            TimeSpan.FromSeconds(20), $"shard-stats showing {channels.Count} entities", cluster.SeedTail);

        // Only the seed has the origin role, so it hosts the one region of the cluster.
        Assert.Contains("Type channel: 1 region(s)", result.Stdout);
        Assert.Contains($"{cluster.Seed.AkkaAddress}:", result.Stdout);
        Assert.Equal(channels.Count, PbmAssert.Summaries(result.Stdout).Sum(s => s.Entities));
    }

    [Fact]
    public async Task Cluster_leave_removes_the_member_and_its_process_exits_by_itself()
    {
        var node = await cluster.JoinAsync();
        try
        {
            var result = await cluster.PbmAsync("cluster", "leave", node.AkkaAddress);

            PbmAssert.Exit(0, result);
            Assert.Contains($"leave requested for {node.AkkaAddress}", result.Stdout);
            await cluster.UntilGoneAsync(node.AkkaAddress);
            await Poll.UntilAsync(() => node.HasExited, PbmCluster.MembershipTimeout,
                "the node that left exiting by itself (coordinated shutdown)", () => "left node output:\n" + node.Output);
        }
        finally
        {
            await cluster.ForgetAsync(node);
        }
    }

    [Fact]
    public async Task Cluster_down_removes_the_member()
    {
        var node = await cluster.JoinAsync();
        try
        {
            var result = await cluster.PbmAsync("cluster", "down", node.AkkaAddress);

            PbmAssert.Exit(0, result);
            Assert.Contains($"down requested for {node.AkkaAddress}", result.Stdout);
            await cluster.UntilGoneAsync(node.AkkaAddress);
            Assert.NotNull(MemberRow.Find((await cluster.PbmAsync("cluster", "show")).Stdout, cluster.Seed.AkkaAddress));
        }
        finally
        {
            await cluster.ForgetAsync(node);
        }
    }

    [Fact]
    public async Task Cluster_down_unreachable_downs_a_killed_member()
    {
        var node = await cluster.JoinAsync();
        try
        {
            await node.KillAsync();
            await cluster.UntilMemberAsync(node.AkkaAddress, row => row is { Reachable: "no" }, "unreachable");

            var result = await cluster.PbmAsync("cluster", "down-unreachable");

            PbmAssert.Exit(0, result);
            Assert.Contains("down requested for", result.Stdout);
            Assert.Contains(node.AkkaAddress, result.Stdout);
            await cluster.UntilGoneAsync(node.AkkaAddress);

            var after = await cluster.PbmAsync("cluster", "down-unreachable");
            PbmAssert.Exit(0, after);
            Assert.Contains("no unreachable members", after.Stdout);
        }
        finally
        {
            await cluster.ForgetAsync(node);
        }
    }

    [Fact]
    public async Task Help_lists_every_command()
    {
        var result = await cluster.PbmAsync("help");

        PbmAssert.Exit(0, result);
        string[] commands =
        [
            "cluster show", "cluster leave <address>", "cluster down <address>", "cluster down-unreachable",
            "cluster-sharding regions", "cluster-sharding region-stats <type>", "cluster-sharding shard-stats <type>",
            "channel list", "channel status <id>", "channel start <id>", "channel stop <id> [reason...]", "help",
        ];
        var lines = result.Stdout.Split('\n').Select(l => l.Trim()).ToList();
        foreach (var command in commands)
            Assert.True(lines.Any(l => l.StartsWith(command + " ", StringComparison.Ordinal)), $"'{command}' missing from help:\n{result}");
    }
}
