using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Inspur.Testing;

namespace Inspur.Cluster.Tests;

/// <summary>Polling with a bound: the condition is probed until it holds, and a timeout names what was last observed.</summary>
internal static class Poll
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(300);

    /// <summary>
    /// Probes until <paramref name="probe"/> returns null (the condition holds); any other return value describes what
    /// was observed instead. Throws with that description and <paramref name="diagnostics"/> after <paramref name="timeout"/>.
    /// </summary>
    public static async Task UntilAsync(string what, TimeSpan timeout, Func<Task<string?>> probe, Func<string> diagnostics)
    {
        var clock = Stopwatch.StartNew();
        var observed = "(not probed)";
        while (true)
        {
            try
            {
                if (await probe() is not { } notYet) return;
                observed = notYet;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException or IOException)
            {
                observed = $"{ex.GetType().Name}: {ex.Message}";
            }

            if (clock.Elapsed >= timeout)
                throw new TimeoutException($"{what} did not happen within {timeout.TotalSeconds:0}s; last observed:\n{observed}\n\n{diagnostics()}");
            await Task.Delay(Interval);
        }
    }
}

/// <summary>Loopback ports for a group of nodes that need consecutive numbers.</summary>
internal static class Ports
{
    /// <summary>A base port such that base, base+1, … base+count-1 are all free right now and not in <paramref name="taken"/>.</summary>
    public static int FreeRange(int count, ISet<int> taken)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var first = Repo.FreePort();
            if (first + count - 1 > 65535) continue;
            var range = Enumerable.Range(first, count).ToList();
            if (range.Any(taken.Contains) || !range.All(IsFree)) continue;
            foreach (var port in range) taken.Add(port);
            return first;
        }

        throw new InvalidOperationException($"found no {count} consecutive free loopback ports in 50 attempts");
    }

    public static bool IsFree(int port)
    {
        try
        {
            var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>True when something accepts TCP connections on 127.0.0.1:<paramref name="port"/>.</summary>
    public static bool Listening(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}

/// <summary>Linux process checks by pid, for processes this test did not start itself.</summary>
internal static class Processes
{
    /// <summary>True while <paramref name="pid"/> is a live Inspur.Host process (a zombie or another program does not count).</summary>
    public static bool IsHostAlive(int pid)
    {
        try
        {
            // A zombie has an empty command line; a reused pid has another one.
            return File.ReadAllText($"/proc/{pid}/cmdline").Contains("Inspur.Host.dll", StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    public static void Kill(int pid)
    {
        if (!IsHostAlive(pid)) return;
        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill(entireProcessTree: true);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
        }
    }
}

/// <summary>What <c>pbm</c> prints, read back.</summary>
internal static partial class PbmOutput
{
    /// <summary>Entities per region address in the output of <c>cluster-sharding shard-stats &lt;type&gt;</c>.</summary>
    public static Dictionary<string, int> EntitiesByRegion(string shardStats)
    {
        var result = new Dictionary<string, int>();
        string? region = null;
        foreach (var line in shardStats.Split('\n'))
        {
            var trimmed = line.TrimEnd('\r');
            if (trimmed.StartsWith("akka", StringComparison.Ordinal) && trimmed.EndsWith(':'))
            {
                region = trimmed[..^1];
            }
            else if (region is not null && EntitiesLine().Match(trimmed) is { Success: true } match)
            {
                result[region] = int.Parse(match.Groups[1].Value);
                region = null;
            }
        }

        return result;
    }

    [GeneratedRegex(@"^\s*shards: \d+, entities: (\d+)")]
    private static partial Regex EntitiesLine();
}

/// <summary>The channel REST resource as the specs use it.</summary>
internal static class Channels
{
    public sealed record Channel(string Id, string Name, int Number);

    /// <summary>POST; a 503 (cluster busy) is retried, and a 409 after a retry means an earlier attempt got through.</summary>
    public static async Task CreateAsync(HttpClient http, Channel channel, TimeSpan timeout, Func<string> diagnostics)
    {
        var attempts = 0;
        await Poll.UntilAsync($"creating channel {channel.Id}", timeout, async () =>
        {
            var retry = ++attempts > 1;
            using var response = await http.PostAsJsonAsync("/api/v1/channels", new { id = channel.Id, name = channel.Name, number = channel.Number });
            if (response.StatusCode == HttpStatusCode.Created || (retry && response.StatusCode == HttpStatusCode.Conflict)) return null;
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
                return $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}";
            throw new InvalidOperationException(
                $"POST {channel.Id} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}\n\n{diagnostics()}");
        }, diagnostics);
    }

    /// <summary>Null when GET answers 200 with exactly this channel's id, name and number; else what it answered.</summary>
    public static async Task<string?> MismatchAsync(HttpClient http, Channel channel)
    {
        using var response = await http.GetAsync($"/api/v1/channels/{channel.Id}");
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK) return $"GET {channel.Id}: {(int)response.StatusCode} {body}";
        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        return root.GetProperty("id").GetString() == channel.Id
               && root.GetProperty("name").GetString() == channel.Name
               && root.GetProperty("number").GetInt32() == channel.Number
            ? null
            : $"GET {channel.Id}: 200 but {body}";
    }
}

/// <summary>Tails of node logs for failure messages.</summary>
internal static class Diagnostics
{
    public static string Tail(string title, string text, int lines = 120)
    {
        var all = text.Split('\n');
        var kept = all.Length <= lines ? all : all[^lines..];
        var builder = new StringBuilder($"===== {title} (last {kept.Length} of {all.Length} lines) =====\n");
        builder.AppendJoin('\n', kept);
        return builder.AppendLine().ToString();
    }

    public static string TailOfFile(string title, string path, int lines = 120)
    {
        try
        {
            return Tail($"{title}: {path}", File.ReadAllText(path), lines);
        }
        catch (IOException ex)
        {
            return $"===== {title}: {path} unreadable: {ex.Message} =====\n";
        }
    }
}
