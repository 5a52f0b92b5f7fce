using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace Inspur.Testing;

/// <summary>How to start one Inspur.Host node as a child process.</summary>
public sealed record HostOptions
{
    public required string DataDir { get; init; }
    public string? Postgres { get; init; }
    public IReadOnlyList<string>? SeedNodes { get; init; }
    public IReadOnlyList<string>? Roles { get; init; }
    public string? StableAfter { get; init; }
    public int HttpPort { get; init; } = Repo.FreePort();
    public int AkkaPort { get; init; } = Repo.FreePort();
    public int OpsPort { get; init; } = Repo.FreePort();

    /// <summary>Demo channels (ffmpeg senders) cost CPU; off unless a spec asks for them.</summary>
    public int DemoChannels { get; init; }

    /// <summary>Further <c>--key=value</c> settings.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();
}

/// <summary>
/// A real Inspur.Host node in its own process on loopback ports: started, awaited until <c>/readyz</c> says ready,
/// killed with SIGKILL or stopped gracefully. Its output is kept for the failure message.
/// </summary>
public sealed class HostProcess : IAsyncDisposable
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private HostProcess(HostOptions options, Process process)
    {
        Options = options;
        _process = process;
        Http = new HttpClient { BaseAddress = new Uri(HttpUrl), Timeout = TimeSpan.FromSeconds(30) };
    }

    public HostOptions Options { get; }
    public string HttpUrl => $"http://127.0.0.1:{Options.HttpPort}";
    public string AkkaAddress => $"akka.tcp://inspur@127.0.0.1:{Options.AkkaPort}";
    public string OpsTarget => $"127.0.0.1:{Options.OpsPort}";
    public HttpClient Http { get; }
    public bool HasExited => _process.HasExited;
    public int Pid => _process.Id;
    public string Output => string.Join('\n', _output);

    /// <summary>Starts the node and waits until it is ready (member Up, journal reachable).</summary>
    public static async Task<HostProcess> StartAsync(HostOptions options)
    {
        var host = Launch(options);
        try
        {
            await host.WaitReadyAsync();
            return host;
        }
        catch
        {
            // xUnit does not dispose a fixture whose start failed: never leave a node (and its ffmpeg children) behind.
            await host.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts a node and waits for <paramref name="ready"/> too; the node is killed if either wait fails.</summary>
    public static async Task<HostProcess> StartAsync(HostOptions options, Func<HostProcess, Task> ready)
    {
        var host = await StartAsync(options);
        try
        {
            await ready(host);
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts the node without waiting (e.g. a node that joins a cluster still forming).</summary>
    public static HostProcess Launch(HostOptions options)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = options.DataDir,
        };
        info.ArgumentList.Add(Repo.HostDll);
        void Arg(string key, string? value)
        {
            if (value is not null) info.ArgumentList.Add($"--{key}={value}");
        }

        Arg("urls", $"http://127.0.0.1:{options.HttpPort}");
        Arg("Inspur:Host", "127.0.0.1");
        Arg("Inspur:Port", options.AkkaPort.ToString());
        Arg("Inspur:Ops:Port", options.OpsPort.ToString());
        Arg("Inspur:DataDir", options.DataDir);
        Arg("Inspur:Postgres", options.Postgres);
        Arg("Inspur:StableAfter", options.StableAfter);
        Arg("Inspur:SeedNodes", options.SeedNodes is null ? null : string.Join(',', options.SeedNodes));
        Arg("Inspur:Roles", options.Roles is null ? null : string.Join(',', options.Roles));
        Arg("Inspur:Demo:Enabled", options.DemoChannels > 0 ? "true" : "false");
        Arg("Inspur:Demo:Channels", options.DemoChannels.ToString());
        foreach (var (key, value) in options.Settings) Arg(key, value);
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";

        var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
        var host = new HostProcess(options, process);
        process.OutputDataReceived += (_, e) => host.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => host.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return host;
    }

    public async Task WaitReadyAsync()
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                // The exit can be seen before the output readers have delivered the last lines (the error that says why):
                // the parameterless WaitForExit also waits for the asynchronous readers of the redirected streams to finish.
                _process.WaitForExit();
                throw new InvalidOperationException($"node exited with code {_process.ExitCode} before it was ready:\n{Output}");
            }
            try
            {
                using var response = await Http.GetAsync("/readyz");
                if (response.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"node on {HttpUrl} not ready within {StartTimeout}:\n{Output}");
    }

    /// <summary>Polls <paramref name="condition"/> until it holds; fails with the node's output after <paramref name="timeout"/>.</summary>
    public async Task<T> EventuallyAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        Exception? last = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (await probe() is { } value) return value;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException)
            {
                last = ex;
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"{what} did not happen within {timeout} (last error: {last?.Message}); node output:\n{Output}");
    }

    /// <summary>SIGKILL: no graceful leave, as a crashed machine.</summary>
    public async Task KillAsync()
    {
        if (_process.HasExited) return;
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGTERM and wait: the node leaves the cluster and stops.</summary>
    public async Task StopAsync(TimeSpan? timeout = null)
    {
        if (_process.HasExited) return;
        Process.Start("kill", ["-TERM", _process.Id.ToString()])!.WaitForExit();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            await KillAsync();
            throw new TimeoutException($"node did not stop on SIGTERM:\n{Output}");
        }
    }

    public async Task<JsonElement> GetJsonAsync(string path) =>
        await Http.GetFromJsonAsync<JsonElement>(path);

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        Http.Dispose();
        _process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null) return;
        _output.Enqueue(line);
        while (_output.Count > 2000) _output.TryDequeue(out _);
    }
}
