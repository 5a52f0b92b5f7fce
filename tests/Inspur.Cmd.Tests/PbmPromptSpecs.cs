using System.Text.RegularExpressions;
using Inspur.Testing;

namespace Inspur.Cmd.Tests;

/// <summary>pbm with a target and no command words reads commands from standard input until exit, quit or end of input.</summary>
[Collection(PbmClusterCollection.Name)]
public sealed class PbmPromptSpecs(PbmCluster cluster)
{
    private string Prompt => $"pbm {cluster.Target}> ";

    [Fact]
    public async Task Prompt_runs_each_line_and_leaves_on_exit()
    {
        var result = await PbmProcess.RunAsync([cluster.Target], stdin: "cluster show\nfoo\nexit\n");

        Assert.Contains($"Connected to {cluster.Target}. Type 'help' for commands, 'exit' to leave.", result.Stdout);
        Assert.Equal(3, Regex.Matches(result.Stdout, Regex.Escape(Prompt)).Count);
        Assert.Equal("Up", MemberRow.Find(result.Stdout, cluster.Seed.AkkaAddress)?.Status);
        Assert.Contains("unknown command 'foo'", result.Stderr);
        Assert.NotEqual(3, result.ExitCode);
    }

    [Theory]
    [InlineData("quit\ncluster show\n")]
    [InlineData("  exit  \ncluster show\n")]
    [InlineData("")]
    public async Task Prompt_leaves_on_quit_exit_or_end_of_input_without_running_later_lines(string stdin)
    {
        var result = await PbmProcess.RunAsync([cluster.Target], stdin: stdin);

        PbmAssert.Exit(0, result);
        Assert.Single(Regex.Matches(result.Stdout, Regex.Escape(Prompt)));
        Assert.DoesNotContain("Members:", result.Stdout);
    }

    [Fact]
    public async Task Prompt_skips_blank_lines_and_splits_words_on_any_spacing()
    {
        var result = await PbmProcess.RunAsync([cluster.Target], stdin: "\n   \n  cluster   show  \nhelp\n");

        PbmAssert.Exit(0, result);
        Assert.Equal(5, Regex.Matches(result.Stdout, Regex.Escape(Prompt)).Count);
        Assert.NotNull(MemberRow.Find(result.Stdout, cluster.Seed.AkkaAddress));
        Assert.Contains("cluster-sharding shard-stats <type>", result.Stdout);
        Assert.Equal("", result.Stderr);
    }
}

/// <summary>Without a host:port argument pbm reads <c>petabridge.cmd.hocon</c> from the current folder.</summary>
[Collection(PbmClusterCollection.Name)]
public sealed class PbmDefaultTargetSpecs(PbmCluster cluster) : IDisposable
{
    private readonly string _dir = Repo.TempDir("inspur-pbm-cwd");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Target_comes_from_petabridge_cmd_hocon_in_the_current_folder()
    {
        await File.WriteAllTextAsync(Path.Combine(_dir, "petabridge.cmd.hocon"),
            $"petabridge.cmd {{\n  host = \"127.0.0.1\"\n  port = {cluster.Seed.Options.OpsPort}\n}}\n");

        var result = await PbmProcess.RunAsync(["cluster", "show"], workingDirectory: _dir);

        PbmAssert.Exit(0, result);
        Assert.Equal("Up", MemberRow.Find(result.Stdout, cluster.Seed.AkkaAddress)?.Status);
    }

    [Fact]
    public async Task Prompt_uses_the_target_of_petabridge_cmd_hocon()
    {
        await File.WriteAllTextAsync(Path.Combine(_dir, "petabridge.cmd.hocon"),
            $"petabridge.cmd.port = {cluster.Seed.Options.OpsPort}\n");

        var result = await PbmProcess.RunAsync([], stdin: "cluster show\nexit\n", workingDirectory: _dir);

        PbmAssert.Exit(0, result);
        Assert.Contains($"Connected to 127.0.0.1:{cluster.Seed.Options.OpsPort}.", result.Stdout);
        Assert.NotNull(MemberRow.Find(result.Stdout, cluster.Seed.AkkaAddress));
    }

    [Theory]
    [InlineData("petabridge.cmd { port = \n")]
    [InlineData("petabridge.cmd { host = \"127.0.0.1\", port = notaport }\n")]
    [InlineData("petabridge.cmd { host = \"127.0.0.1\", port = 70000 }\n")]
    public async Task Malformed_petabridge_cmd_hocon_exits_2_naming_the_file(string content)
    {
        var file = Path.Combine(_dir, "petabridge.cmd.hocon");
        await File.WriteAllTextAsync(file, content);

        var result = await PbmProcess.RunAsync(["cluster", "show"], workingDirectory: _dir);

        PbmAssert.Exit(2, result);
        Assert.Contains("petabridge.cmd.hocon", result.Stderr);
        Assert.Contains(file, result.Stderr);
    }
}
