using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Inspur.Cmd.Tests;

/// <summary>The ops endpoint's wire protocol spoken directly: one JSON object per line each way, many per connection.</summary>
[Collection(PbmClusterCollection.Name)]
public sealed class OpsProtocolSpecs(PbmCluster cluster)
{
    private static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Bad_requests_get_exit_code_2_and_the_connection_stays_usable()
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", cluster.Seed.Options.OpsPort);
        var stream = tcp.GetStream();
        using var reader = new StreamReader(stream, Encoding.UTF8);
        await using var writer = new StreamWriter(stream, new UTF8Encoding(false)) { AutoFlush = true, NewLine = "\n" };

        async Task<(int ExitCode, string Output)> Send(string line)
        {
            await writer.WriteLineAsync(line);
            using var timeout = new CancellationTokenSource(ReplyTimeout);
            var reply = await reader.ReadLineAsync(timeout.Token);
            Assert.True(reply is not null, $"the endpoint closed the connection after '{line}'");
            using var json = JsonDocument.Parse(reply);
            return (json.RootElement.GetProperty("exitCode").GetInt32(), json.RootElement.GetProperty("output").GetString() ?? "");
        }

        var notJson = await Send("this is not json");
        Assert.Equal(2, notJson.ExitCode);
        Assert.Contains("malformed request", notJson.Output);

        var empty = await Send("""{"command":[]}""");
        Assert.Equal(2, empty.ExitCode);
        Assert.Contains("empty command", empty.Output);

        foreach (var line in new[] { "{}", "null", """{"command":"cluster show"}""", "[1,2]" })
            Assert.Equal(2, (await Send(line)).ExitCode);

        var tooLong = await Send($$"""{"command":["{{new string('x', 20_000)}}"]}""");
        Assert.Equal(2, tooLong.ExitCode);

        var unknown = await Send("""{"command":["foo","bar"]}""");
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("unknown command 'foo bar'", unknown.Output);

        var show = await Send("""{"command":["cluster","show"]}""");
        Assert.Equal(0, show.ExitCode);
        Assert.Equal("Up", MemberRow.Find(show.Output, cluster.Seed.AkkaAddress)?.Status);

        var help = await Send("""{"command":["help"]}""");
        Assert.Equal(0, help.ExitCode);
        Assert.Contains("cluster down-unreachable", help.Output);
    }

    [Fact]
    public async Task Requests_on_several_connections_are_answered_independently()
    {
        using var idle = new TcpClient();
        await idle.ConnectAsync("127.0.0.1", cluster.Seed.Options.OpsPort);

        // An idle connection does not block others.
        var result = await cluster.PbmAsync("cluster", "show");
        PbmAssert.Exit(0, result);
    }
}
