using Inspur.Testing;

namespace Inspur.Cmd.Tests;

/// <summary>Wrong commands, arguments and targets give the documented exit code and a message saying what is wrong.</summary>
[Collection(PbmClusterCollection.Name)]
public sealed class PbmBadInputSpecs(PbmCluster cluster)
{
    [Fact]
    public async Task Unknown_command_exits_2_pointing_at_help()
    {
        var result = await cluster.PbmAsync("foo", "bar");

        PbmAssert.Exit(2, result);
        Assert.Contains("unknown command 'foo bar'", result.Stderr);
        Assert.Contains("help", result.Stderr);
    }

    [Fact]
    public async Task Unknown_sub_command_of_a_palette_exits_2_listing_the_palette()
    {
        var result = await cluster.PbmAsync("cluster", "explode");

        PbmAssert.Exit(2, result);
        Assert.Contains("unknown command 'cluster explode'", result.Stderr);
        foreach (var command in new[] { "cluster show", "cluster leave <address>", "cluster down <address>", "cluster down-unreachable" })
            Assert.Contains(command, result.Stderr);
        Assert.DoesNotContain("cluster-sharding", result.Stderr);
    }

    [Theory]
    [InlineData("cluster down", "usage: cluster down <address>")]
    [InlineData("cluster leave", "usage: cluster leave <address>")]
    [InlineData("cluster show extra", "usage: cluster show")]
    [InlineData("cluster-sharding region-stats", "usage: cluster-sharding region-stats <type>")]
    [InlineData("cluster-sharding shard-stats channel extra", "usage: cluster-sharding shard-stats <type>")]
    public async Task Wrong_argument_count_exits_2_with_usage(string command, string usage)
    {
        var result = await cluster.PbmAsync(command.Split(' '));

        PbmAssert.Exit(2, result);
        Assert.Contains(usage, result.Stderr);
    }

    [Theory]
    [InlineData("not-an-address")]
    [InlineData("a:b")]
    [InlineData("akka.tcp://inspur@127.0.0.1:notaport")]
    [InlineData("akka.tcp://inspur@127.0.0.1")]
    [InlineData("akka.tcp://")]
    public async Task Malformed_address_exits_2(string address)
    {
        foreach (var verb in new[] { "down", "leave" })
        {
            var result = await cluster.PbmAsync("cluster", verb, address);

            PbmAssert.Exit(2, result);
            Assert.Contains("is not an address like akka.tcp://inspur@host:port", result.Stderr);
        }
    }

    [Fact]
    public async Task Well_formed_address_of_a_non_member_exits_1()
    {
        var stranger = $"akka.tcp://inspur@127.0.0.1:{Repo.FreePort()}";
        foreach (var verb in new[] { "down", "leave" })
        {
            var result = await cluster.PbmAsync("cluster", verb, stranger);

            PbmAssert.Exit(1, result);
            Assert.Contains($"{stranger} is not a member of this cluster", result.Stderr);
        }

        // Nothing happened to the cluster.
        var show = await cluster.PbmAsync("cluster", "show");
        Assert.Equal("Up", MemberRow.Find(show.Stdout, cluster.Seed.AkkaAddress)?.Status);
    }

    [Theory]
    [InlineData("region-stats")]
    [InlineData("shard-stats")]
    public async Task Stats_of_an_unknown_shard_type_exit_1_naming_the_known_types(string command)
    {
        var result = await cluster.PbmAsync("cluster-sharding", command, "nosuchtype");

        PbmAssert.Exit(1, result);
        Assert.Contains("no shard region 'nosuchtype'", result.Stderr);
        Assert.Matches(@"known: [a-z, -]*\bchannel\b", result.Stderr);
        Assert.Matches(@"known: [a-z, -]*\bsession\b", result.Stderr);
    }

    [Fact]
    public async Task Unreachable_node_exits_3_saying_it_cannot_reach_it()
    {
        var target = $"127.0.0.1:{Repo.FreePort()}";

        var result = await PbmProcess.RunAsync([target, "cluster", "show"]);

        PbmAssert.Exit(3, result);
        Assert.Contains($"cannot reach the Inspur.Akka node at {target}", result.Stderr);
        Assert.Equal("", result.Stdout);
    }

    [Fact]
    public async Task Unreachable_node_exits_3_in_prompt_mode_too()
    {
        var target = $"127.0.0.1:{Repo.FreePort()}";

        var result = await PbmProcess.RunAsync([target], stdin: "cluster show\nexit\n");

        PbmAssert.Exit(3, result);
        Assert.Contains($"cannot reach the Inspur.Akka node at {target}", result.Stderr);
    }

    [Theory]
    [InlineData("127.0.0.1:notaport")]
    [InlineData("127.0.0.1:0")]
    [InlineData("127.0.0.1:65536")]
    [InlineData("localhost:")]
    public async Task Malformed_target_exits_2_with_usage(string target)
    {
        var result = await PbmProcess.RunAsync([target, "cluster", "show"]);

        PbmAssert.Exit(2, result);
        Assert.Contains($"'{target}' is not a host:port target", result.Stderr);
        Assert.Contains("usage: pbm", result.Stderr);
    }

    [Fact]
    public async Task Help_flag_prints_usage_and_exits_0()
    {
        var result = await PbmProcess.RunAsync(["--help"]);

        PbmAssert.Exit(0, result);
        Assert.Contains("usage: pbm [host:port] [command ...]", result.Stdout);
        Assert.Contains("exit codes: 0 ok, 1 command failed, 2 unknown command or bad usage, 3 node unreachable", result.Stdout);
    }
}
