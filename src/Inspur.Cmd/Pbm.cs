using Inspur.Domain.Ops;
using ExitCodes = Inspur.Domain.Ops.OpsWire.ExitCodes;

namespace Inspur.Cmd;

/// <summary>
/// <c>pbm [host:port] [command …]</c>: runs one command against a node's ops endpoint, or opens a prompt when no command is
/// given. The target defaults to <c>petabridge.cmd.hocon</c> (current folder, then beside pbm), else 127.0.0.1:9110.
/// </summary>
public static class Pbm
{
    public const string Usage = """
        usage: pbm [host:port] [command ...]
          pbm 127.0.0.1:9110 cluster show       run one command and exit with its status
          pbm 127.0.0.1:9110                    interactive prompt ('help' lists commands, 'exit' leaves)
          pbm cluster show                      target from ./petabridge.cmd.hocon, else 127.0.0.1:9110
        exit codes: 0 ok, 1 command failed, 2 unknown command or bad usage, 3 node unreachable
        """;

    public static async Task<int> RunAsync(string[] args, TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        if (args is ["--help"] or ["-h"])
        {
            await stdout.WriteLineAsync(Usage);
            return ExitCodes.Ok;
        }

        OpsEndpointAddress target;
        var words = args.ToList();
        if (words.Count > 0 && OpsEndpointAddress.TryParse(words[0], out var explicitTarget))
        {
            target = explicitTarget;
            words.RemoveAt(0);
        }
        else if (words.Count > 0 && words[0].Contains(':') && !words[0].Contains("://"))
        {
            await stderr.WriteLineAsync($"pbm: '{words[0]}' is not a host:port target\n{Usage}");
            return ExitCodes.Usage;
        }
        else
        {
            try
            {
                target = DefaultTarget();
            }
            catch (FormatException ex)
            {
                await stderr.WriteLineAsync($"pbm: cannot read {OpsEndpointAddress.FileName}: {ex.Message}");
                return ExitCodes.Usage;
            }
        }

        try
        {
            await using var client = await OpsClient.ConnectAsync(target);
            return words.Count > 0
                ? await RunOneAsync(client, words, stdout, stderr)
                : await PromptAsync(client, target, stdin, stdout, stderr);
        }
        catch (OpsUnreachableException ex)
        {
            await stderr.WriteLineAsync($"pbm: {ex.Message}");
            return ExitCodes.Unreachable;
        }
    }

    private static async Task<int> RunOneAsync(OpsClient client, IReadOnlyList<string> words, TextWriter stdout, TextWriter stderr)
    {
        var response = await client.SendAsync(words);
        await (response.ExitCode == ExitCodes.Ok ? stdout : stderr).WriteLineAsync(response.Output);
        return response.ExitCode;
    }

    private static async Task<int> PromptAsync(OpsClient client, OpsEndpointAddress target, TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        await stdout.WriteLineAsync($"Connected to {target}. Type 'help' for commands, 'exit' to leave.");
        var last = ExitCodes.Ok;
        while (true)
        {
            await stdout.WriteAsync($"pbm {target}> ");
            await stdout.FlushAsync();
            var line = await stdin.ReadLineAsync();
            if (line is null || line.Trim() is "exit" or "quit") break;
            var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (words.Length == 0) continue;
            last = await RunOneAsync(client, words, stdout, stderr);
        }

        await stdout.WriteLineAsync();
        return last;
    }

    private static OpsEndpointAddress DefaultTarget()
    {
        foreach (var dir in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            var path = Path.Combine(dir, OpsEndpointAddress.FileName);
            if (File.Exists(path)) return OpsEndpointAddress.FromFile(path);
        }

        return OpsEndpointAddress.Default;
    }
}
