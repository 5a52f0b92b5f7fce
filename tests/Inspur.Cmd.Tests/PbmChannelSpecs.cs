using System.Text;
using Inspur.Testing;

namespace Inspur.Cmd.Tests;

/// <summary>The <c>channel</c> palette of the real pbm against a real node.</summary>
public sealed class PbmChannelSpecs : IAsyncLifetime
{
    private HostProcess _node = null!;
    private int _port;

    public async Task InitializeAsync()
    {
        _node = await HostProcess.StartAsync(new HostOptions { DataDir = Repo.TempDir("pbm-channel") });
        _port = Repo.FreeUdpPort();

        await Post("""{"id":"quiet","name":"Quiet","number":3}""");
        await Post($$"""{"id":"news","name":"News","number":2,"source":"udp://127.0.0.1:{{_port}}"}""");
    }

    public async Task DisposeAsync() => await _node.DisposeAsync();

    private async Task Post(string json) =>
        (await _node.Http.PostAsync("/api/v1/channels", new StringContent(json, Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();

    private Task<PbmResult> Pbm(params string[] words) => PbmProcess.RunAsync([_node.OpsTarget, .. words]);

    [Fact]
    public async Task List_status_start_and_stop()
    {
        var list = await Pbm("channel", "list");
        Assert.True(list.ExitCode == 0, list.ToString());
        var rows = list.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.StartsWith("NUMBER", rows[0]);
        Assert.StartsWith("2 ", rows[1]);
        Assert.Contains("news", rows[1]);
        Assert.Contains($"udp://127.0.0.1:{_port}", rows[1]);
        Assert.StartsWith("3 ", rows[2]);

        var start = await Pbm("channel", "start", "news");
        Assert.True(start.ExitCode == 0, start.ToString());
        Assert.Contains("channel news is running", start.Stdout);

        var status = await Pbm("channel", "status", "news");
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Contains("running:     yes", status.Stdout);
        Assert.Contains("rendition main", status.Stdout);
        Assert.Matches(@"phase:\s+(starting|live|failed)", status.Stdout);
        Assert.Contains("transcode:   passthrough", status.Stdout);

        var stop = await Pbm("channel", "stop", "news", "end", "of", "test");
        Assert.True(stop.ExitCode == 0, stop.ToString());
        Assert.Contains("channel news is stopped", stop.Stdout);
        var after = await Pbm("channel", "status", "news");
        Assert.Contains("running:     no", after.Stdout);
        Assert.Contains("phase:       stopped (end of test)", after.Stdout);
        Assert.Contains("PHASE", (await Pbm("channel", "list")).Stdout);
    }

    [Fact]
    public async Task Archive_usage_shows_what_a_running_channel_archived()
    {
        using var sender = new TsSender(_port);
        var start = await Pbm("channel", "start", "news");
        Assert.True(start.ExitCode == 0, start.ToString());

        var usage = await _node.EventuallyAsync(async () =>
        {
            var result = await Pbm("archive", "usage");
            return result.ExitCode == 0 && result.Stdout.Split('\n').Any(l => l.StartsWith("news ", StringComparison.Ordinal) && l.Contains(" main ") && l.Contains(" .. ")) ? result : null;
        }, TimeSpan.FromSeconds(60), "news archived in pbm archive usage");
        Assert.Contains("no quota", usage.Stdout);
        Assert.Contains("72 h", usage.Stdout);
        Assert.Contains("quiet", usage.Stdout);
        await Pbm("channel", "stop", "news");
    }

    [Fact]
    public async Task Refusals_and_bad_input_have_exit_codes()
    {
        var noSource = await Pbm("channel", "start", "quiet");
        var unknown = await Pbm("channel", "status", "nobody");
        var badId = await Pbm("channel", "stop", "NOT/AN/ID");
        var missing = await Pbm("channel", "start");

        Assert.Equal(1, noSource.ExitCode);
        Assert.Contains("source", noSource.Stderr);
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("does not exist", unknown.Stderr);
        Assert.Equal(2, badId.ExitCode);
        Assert.Contains("not a channel id", badId.Stderr);
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("usage: channel start <id>", missing.Stderr);
    }
}
