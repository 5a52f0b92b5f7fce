using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;

namespace Inspur.Bench.LiveDensity;

/// <summary>Side A: one Inspur.Host node (demo channels off, its own data folder and ports) whose channels are made over REST.</summary>
internal sealed class NodeUnderTest : IDisposable
{
    private readonly Children _children;
    private readonly Process _process;

    private NodeUnderTest(Children children, Process process, string url, string log)
    {
        _children = children;
        _process = process;
        Url = url;
        Log = log;
        Http = new HttpClient(new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = 4096 })
        {
            BaseAddress = new Uri(url),
            Timeout = TimeSpan.FromSeconds(20),
        };
    }

    public string Url { get; }
    public string Log { get; }

    private readonly Stopwatch _up = Stopwatch.StartNew();

    /// <summary>
    /// Waits until the node has run <paramref name="seconds"/>: its start-up work is over by then (JIT, and the session
    /// waker's first round, which recovers every session bucket from one to two minutes after start). That is a cost
    /// per node start, not per channel-hour, so the measured intervals leave it out.
    /// </summary>
    public Task SettledAsync(int seconds) => TimeSpan.FromSeconds(seconds) - _up.Elapsed is { Ticks: > 0 } left ? Task.Delay(left) : Task.CompletedTask;
    public HttpClient Http { get; }
    public int Pid => _process.Id;

    /// <param name="settings">More host arguments (<c>--Section:Key=value</c>) after the bench's own.</param>
    public static async Task<NodeUnderTest> StartAsync(Children children, string hostDll, string dataDir, IEnumerable<string>? settings = null)
    {
        Directory.CreateDirectory(dataDir);
        var http = Children.FreePort(SocketType.Stream);
        var url = $"http://127.0.0.1:{http}";
        var log = Path.Combine(dataDir, "node.log");
        var process = children.Start("dotnet", [hostDll, "--urls", url, "--Inspur:Demo:Enabled=false", $"--Inspur:DataDir={dataDir}",
            $"--Inspur:Port={Children.FreePort(SocketType.Stream)}", $"--Inspur:Ops:Port={Children.FreePort(SocketType.Stream)}", .. settings ?? []], log, dataDir);
        var node = new NodeUnderTest(children, process, url, log);
        try
        {
            var deadline = Stopwatch.StartNew();
            while (true)
            {
                if (process.HasExited) throw new InvalidOperationException($"node exited with {process.ExitCode}:\n{Tail(log)}");
                if (deadline.Elapsed > TimeSpan.FromSeconds(90)) throw new TimeoutException($"node not ready in 90 s:\n{Tail(log)}");
                try
                {
                    using var r = await node.Http.GetAsync("/readyz");
                    if (r.IsSuccessStatusCode) return node;
                }
                catch (HttpRequestException)
                {
                }

                await Task.Delay(200);
            }
        }
        catch
        {
            node.Dispose();
            throw;
        }
    }

    /// <summary>Creates and starts a channel fed by UDP on 127.0.0.1:<paramref name="port"/>, archiving <paramref name="archiveHours"/> (0: live only).</summary>
    public async Task AddChannelAsync(string id, int number, int port, bool lowLatency, int archiveHours)
    {
        using var created = await Http.PostAsJsonAsync("/api/v1/channels",
            new { id, name = $"Bench {number}", number, source = $"udp://127.0.0.1:{port}", lowLatency, archiveHours });
        if (created.StatusCode != HttpStatusCode.Created)
            throw new InvalidOperationException($"POST channel {id}: {(int)created.StatusCode} {await created.Content.ReadAsStringAsync()}");
        using var started = await Http.PostAsync($"/api/v1/channels/{id}/start", null);
        if (!started.IsSuccessStatusCode)
            throw new InvalidOperationException($"start {id}: {(int)started.StatusCode} {await started.Content.ReadAsStringAsync()}");
    }

    public static string RenditionUrl(string id) => $"/live/{id}/main/";

    public void Dispose()
    {
        _children.Kill(_process);
        Http.Dispose();
    }

    public static string Tail(string log, int lines = 30) =>
        File.Exists(log) ? string.Join('\n', File.ReadLines(log).TakeLast(lines)) : "(no log)";
}

/// <summary>Side B: one <c>ffmpeg -c copy -f hls</c> process per channel, writing into tmpfs.</summary>
internal sealed class FfmpegPackagers : IDisposable
{
    private readonly Children _children;
    private readonly List<Process> _processes = [];
    private readonly List<string> _dirs = [];

    public FfmpegPackagers(Children children, IReadOnlyList<int> ports, string outDir)
    {
        _children = children;
        try
        {
            for (var i = 0; i < ports.Count; i++)
            {
                var dir = Path.Combine(outDir, $"ch{i + 1}");
                Directory.CreateDirectory(dir);
                _dirs.Add(dir);
                // fifo_size is in 188-byte units: 50000 ≈ 9.4 MB ≈ 15 s of this stream; buffer_size matches the node's socket.
                _processes.Add(children.Start("ffmpeg", ["-nostdin", "-hide_banner", "-loglevel", "error",
                    "-i", $"udp://127.0.0.1:{ports[i]}?fifo_size=50000&overrun_nonfatal=1&buffer_size=8388608",
                    "-c", "copy", "-f", "hls", "-hls_time", "2", "-hls_list_size", "6", "-hls_flags", "delete_segments",
                    Path.Combine(dir, "index.m3u8")], Path.Combine(outDir, $"ffmpeg-{i + 1}.log"), dir));
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public IEnumerable<int> Pids => _processes.Select(p => p.Id);

    public bool AnyExited => _processes.Any(p => p.HasExited);

    /// <summary>True once every ffmpeg has written its first playlist (it probes its input for about 5 s first).</summary>
    public bool AllWriting => _dirs.All(d => File.Exists(Path.Combine(d, "index.m3u8")));

    /// <summary>Segments written so far, over all channels: each playlist's media sequence plus the segments it lists.</summary>
    public long Segments()
    {
        long total = 0;
        foreach (var dir in _dirs)
        {
            var path = Path.Combine(dir, "index.m3u8");
            string[] lines;
            try
            {
                lines = File.ReadAllLines(path);
            }
            catch (IOException)
            {
                continue;
            }

            var seq = lines.FirstOrDefault(l => l.StartsWith("#EXT-X-MEDIA-SEQUENCE:", StringComparison.Ordinal));
            total += (seq is null ? 0 : long.Parse(seq[22..], CultureInfo.InvariantCulture)) + lines.Count(l => l.StartsWith("#EXTINF:", StringComparison.Ordinal));
        }

        return total;
    }

    public void Dispose()
    {
        foreach (var p in _processes) _children.Kill(p);
        _processes.Clear();
    }
}
