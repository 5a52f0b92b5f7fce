using System.Diagnostics;
using Inspur.Testing;

namespace Inspur.Cluster.Tests;

/// <summary><c>deploy/cluster-3.sh</c> for real: three nodes on free loopback ports sharing one SQLite folder.</summary>
public sealed class DeployScriptSpecs : IAsyncLifetime
{
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromSeconds(150);
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    private readonly string _runDir = Repo.TempDir("cluster-3");
    private readonly List<int> _pids = [];
    private int _akkaBase;
    private int _httpBase;
    private int _opsBase;

    private static string Script => Path.Combine(Repo.Root, "deploy", "cluster-3.sh");

    public Task InitializeAsync()
    {
        var taken = new HashSet<int>();
        _akkaBase = Ports.FreeRange(3, taken);
        _httpBase = Ports.FreeRange(3, taken);
        _opsBase = Ports.FreeRange(3, taken);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        try
        {
            await RunScriptAsync("stop");
        }
        catch (Exception)
        {
            // Best effort: whatever the script left behind is killed below.
        }

        foreach (var pid in _pids.Concat(ReadPids())) Processes.Kill(pid);
        try
        {
            Directory.Delete(_runDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task Start_forms_a_three_node_cluster_that_serves_a_channel_from_every_node_and_stop_ends_it()
    {
        var start = await RunScriptAsync("start");
        _pids.AddRange(ReadPids());
        Assert.True(start.ExitCode == 0, $"cluster-3.sh start failed: {start}\n{Logs()}");
        Assert.Equal(3, _pids.Count);
        Assert.Contains($"http://127.0.0.1:{_httpBase}", start.Stdout);
        Assert.Contains($"akka.tcp://inspur@127.0.0.1:{_akkaBase + 2}", start.Stdout);
        Assert.Contains($"127.0.0.1:{_opsBase + 1}", start.Stdout);

        var addresses = Enumerable.Range(0, 3).Select(i => $"akka.tcp://inspur@127.0.0.1:{_akkaBase + i}").ToList();
        await Poll.UntilAsync("pbm cluster show on node 1 listing 3 members Up", Wait, async () =>
        {
            var show = await PbmProcess.RunAsync([$"127.0.0.1:{_opsBase}", "cluster", "show"]);
            var lines = show.Stdout.Split('\n');
            var allUp = show.ExitCode == 0
                        && show.Stdout.Contains("Members: 3 (up 3, unreachable 0)", StringComparison.Ordinal)
                        && addresses.All(a => lines.Any(l => l.StartsWith(a + " ", StringComparison.Ordinal) && l.Contains(" Up ", StringComparison.Ordinal)));
            return allUp ? null : show.ToString();
        }, Logs);

        using var node1 = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_httpBase}"), Timeout = TimeSpan.FromSeconds(30) };
        using var node3 = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_httpBase + 2}"), Timeout = TimeSpan.FromSeconds(30) };
        var channel = new Channels.Channel("deploy-1", "Deployed One", 101);
        await Channels.CreateAsync(node1, channel, Wait, Logs);
        await Poll.UntilAsync("channel created on node 1 readable on node 3", Wait, () => Channels.MismatchAsync(node3, channel), Logs);

        var stop = await RunScriptAsync("stop");
        Assert.True(stop.ExitCode == 0, $"cluster-3.sh stop failed: {stop}\n{Logs()}");
        var alive = _pids.Where(Processes.IsHostAlive).ToList();
        Assert.True(alive.Count == 0, $"still alive after stop: {string.Join(", ", alive)}\n{stop}");
        var listening = Enumerable.Range(0, 3).SelectMany(i => new[] { _httpBase + i, _opsBase + i, _akkaBase + i }).Where(Ports.Listening).ToList();
        Assert.True(listening.Count == 0, $"ports still listening after stop: {string.Join(", ", listening)}");
        Assert.Empty(Directory.GetFiles(_runDir, "*.pid"));
    }

    private IEnumerable<int> ReadPids() =>
        Directory.Exists(_runDir)
            ? Directory.GetFiles(_runDir, "node-*.pid")
                .Select(f => int.TryParse(File.ReadAllText(f).Trim(), out var pid) ? pid : 0)
                .Where(pid => pid > 0)
                .ToList()
            : [];

    private string Logs() =>
        string.Concat(Enumerable.Range(1, 3).Select(n => Diagnostics.TailOfFile($"node-{n}", Path.Combine(_runDir, $"node-{n}.log"))));

    private async Task<PbmResult> RunScriptAsync(string verb)
    {
        var info = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = _runDir,
        };
        info.ArgumentList.Add(Script);
        info.ArgumentList.Add(verb);
        info.Environment["INSPUR_RUN_DIR"] = _runDir;
        info.Environment["INSPUR_BASE_AKKA_PORT"] = _akkaBase.ToString();
        info.Environment["INSPUR_BASE_HTTP_PORT"] = _httpBase.ToString();
        info.Environment["INSPUR_BASE_OPS_PORT"] = _opsBase.ToString();
        info.Environment["INSPUR_CONFIGURATION"] = Repo.Configuration;
        info.Environment["INSPUR_START_TIMEOUT"] = "120";
        info.Environment.Remove("INSPUR_POSTGRES");
        info.Environment.Remove("INSPUR_STABLE_AFTER");

        using var process = Process.Start(info) ?? throw new InvalidOperationException("bash did not start");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(ScriptTimeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"cluster-3.sh {verb} did not finish within {ScriptTimeout.TotalSeconds:0}s\n{Logs()}");
        }

        return new PbmResult(process.ExitCode, await stdout, await stderr);
    }
}
