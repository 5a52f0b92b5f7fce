using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Inspur.Bench.LiveDensity;
using Inspur.Bench.TokenServing;
using Inspur.Host.Boss;

// Segment serving with token validation and session heartbeats (/p/{token}/live/…) against the same serving without
// them (/live/…), on one real node, in alternating rounds of one run. See bench/README.md for what exactly is measured.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
var o = ServingOptions.Parse(args);
if (o is null)
{
    Console.Error.WriteLine("usage: TokenServing --input <ts> --host-dll <Inspur.Host.dll> --work <dir> --pidfile <file>\n" +
                            "       [--round 15] [--rounds 4] [--sessions 200] [--concurrency 32] [--warmup 20] [--idle 10]");
    return 2;
}

using var children = new Children(o.PidFile);

var ts = TsTimeline.Load(o.Input, Pacing.Pcr);
var total = o.Warmup * 2 + o.Idle + 2 * Workloads.All.Length * o.Rounds * o.Round;
Console.WriteLine($"input {Path.GetFileName(o.Input)}: {ts.LoopSeconds:0.0} s, {ts.BitsPerSecond / 1e6:0.00} Mbps TS, GOP {ts.GopSeconds:0.00} s; " +
                  $"{o.Sessions} sessions, {o.Concurrency} connections, {o.Rounds} × (plain, token) rounds of {o.Round} s per workload; " +
                  $"about {(total + 120) / 60.0:0} min with the sign-ins");

var udp = Children.FreePort(SocketType.Dgram);
var bossSecret = Convert.ToHexString(RandomNumberGenerator());
// Access and playback keys are left out: the node makes random ones, which is all one node needs. Sessions live long
// enough that the plain rounds (no heartbeats) do not end them as idle; heartbeats keep the product's 5 s interval.
using var node = await NodeUnderTest.StartAsync(children, o.HostDll, Path.Combine(o.Work, "node"),
[
    $"--Inspur:Boss:Keys:{Grants.BossKey}={bossSecret}",
    "--Inspur:Playback:IdleTimeout=3600",
    // Every request is logged at Information by default; that cost is the same on both sides and would only dilute the
    // difference measured here, so the request log is turned down (as a busy edge would).
    "--Serilog:MinimumLevel:Override:Serilog.AspNetCore.RequestLoggingMiddleware=Warning",
    // Each of the 200 simulated players polls far faster than a real one (the load is spread over them); the per-token
    // limit stays on, so its bookkeeping is measured, but set where it never refuses.
    "--Inspur:RateLimits:Media:PerSecond=1000000",
    "--Inspur:RateLimits:Media:Burst=1000000",
]);
Console.WriteLine($"node pid {node.Pid} at {node.Url}, log {node.Log}");
await node.AddChannelAsync(Grants.Channel, 1, udp, lowLatency: false);
using var replayer = new Replayer(ts, [udp], TimeSpan.FromSeconds(total + 600));
replayer.Start();
await Grants.WaitForSegmentsAsync(node.Http, 3);

var grants = new Grants(node.Http, Grants.BossKey, bossSecret);
var clock = Stopwatch.StartNew();
await grants.ProductAsync();
var sessions = await grants.PlaybackAsync(o.Sessions, parallel: 4);
Console.WriteLine($"{sessions.Count} accounts opened (signed BOSS API), ordered the package, signed in and granted playback in {clock.Elapsed.TotalSeconds:0.0} s");

using var load = new LoadClient(node.Url, o.Concurrency, sessions);
var idle = 0.0;
if (o.Idle > 0)
{
    var cpu0 = ProcStats.ProcessCpuSeconds(node.Pid);
    await Task.Delay(TimeSpan.FromSeconds(o.Idle));
    idle = (ProcStats.ProcessCpuSeconds(node.Pid) - cpu0) / o.Idle;
    Console.WriteLine($"node without load (ingest and packaging of the channel only): {100 * idle:0.0}% of a core");
}

foreach (var w in Workloads.All)
{
    Console.WriteLine($"warm-up {w}: {o.Warmup} s each side");
    await load.RunAsync(w, Side.Plain, TimeSpan.FromSeconds(o.Warmup), node.Pid);
    await load.RunAsync(w, Side.Token, TimeSpan.FromSeconds(o.Warmup), node.Pid);
}

var results = new List<Round>();
foreach (var w in Workloads.All)
{
    for (var r = 0; r < o.Rounds; r++)
    {
        // A B B A A B …: neither side always goes first.
        foreach (var side in r % 2 == 0 ? new[] { Side.Plain, Side.Token } : [Side.Token, Side.Plain])
        {
            var round = await load.RunAsync(w, side, TimeSpan.FromSeconds(o.Round), node.Pid);
            results.Add(round);
            Console.WriteLine($"  {round.Describe()}");
        }
    }
}

var heartbeats = await grants.SeenAsync(sessions);
Report.Print(o, ts, results, idle, heartbeats, sessions.Count);
replayer.Stop();
return results.Any(r => r.Failed > 0) ? 1 : 0;

static byte[] RandomNumberGenerator() => System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);

namespace Inspur.Bench.TokenServing
{
    /// <summary>Command-line settings (run.sh passes them).</summary>
    internal sealed record ServingOptions(string Input, string HostDll, string Work, string PidFile, int Round, int Rounds, int Sessions, int Concurrency,
        int Warmup, int Idle)
    {
        public static ServingOptions? Parse(string[] args)
        {
            if (BenchArgs.Parse(args) is not { } a) return null;
            string? Get(string key) => a.Get(key);
            int Int(string key, int fallback) => a.Int(key, fallback);
            if (Get("input") is not { } input || Get("host-dll") is not { } dll || Get("work") is not { } work || Get("pidfile") is not { } pidfile ||
                !File.Exists(input) || !File.Exists(dll)) return null;
            return new ServingOptions(input, dll, work, pidfile, Int("round", 15), Int("rounds", 4), Int("sessions", 200), Int("concurrency", 32),
                Int("warmup", 20), Int("idle", 10));
        }
    }

    internal enum Side
    {
        /// <summary><c>/live/{channel}/…</c>: no token, no session.</summary>
        Plain,

        /// <summary><c>/p/{token}/live/{channel}/…</c>: HMAC check, content and revocation check, heartbeat to the session entity.</summary>
        Token,
    }

    internal enum Workload
    {
        /// <summary>As a player: the media playlist, then the newest segment it lists (a 2 s, ~1.25 MB segment).</summary>
        Player,

        /// <summary>Media playlists only: the smallest objects, where per-request work shows most.</summary>
        Playlist,
    }

    internal static class Workloads
    {
        public static readonly Workload[] All = [Workload.Player, Workload.Playlist];
    }

    /// <summary>One granted playback: its session and the token of its URL.</summary>
    internal sealed record Granted(string Session, string Token, string Access);

    /// <summary>
    /// The real grant flow, as a BOSS and set-top boxes drive it: a package over the channel (signed BOSS API), then per
    /// session an account with a password, an order of the package, a sign-in from a set-top box and <c>POST /api/v1/playback</c>.
    /// </summary>
    internal sealed class Grants(HttpClient http, string keyId, string secret)
    {
        public const string BossKey = "bench-boss";
        public const string Channel = "bench";
        private const string Product = "bench-pkg";
        private const string Password = "bench password 1";
        private const string BossPrefix = "/api/boss/v1";

        public static async Task WaitForSegmentsAsync(HttpClient http, int count)
        {
            var deadline = Stopwatch.StartNew();
            while (true)
            {
                using var r = await http.GetAsync($"/live/{Channel}/main/index.m3u8");
                if (r.IsSuccessStatusCode && LoadClient.Segments(await r.Content.ReadAsStringAsync()) >= count) return;
                if (deadline.Elapsed > TimeSpan.FromSeconds(90)) throw new TimeoutException($"channel {Channel}: fewer than {count} segments after 90 s");
                await Task.Delay(500);
            }
        }

        public Task ProductAsync() => BossAsync(HttpMethod.Put, $"/products/{Product}",
            $$"""{"kind":"package","name":"Bench","price":1000,"currency":"CNY","channels":["{{Channel}}"]}""", HttpStatusCode.OK);

        public async Task<List<Granted>> PlaybackAsync(int count, int parallel)
        {
            var granted = new Granted[count];
            await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (i, _) =>
            {
                var account = $"bench-{i + 1:D6}";
                await BossAsync(HttpMethod.Post, "/subscribers",
                    $$"""{"id":"{{account}}","name":"Viewer {{i + 1}}","deviceLimit":2,"streamLimit":2,"password":"{{Password}}"}""", HttpStatusCode.Created);
                await BossAsync(HttpMethod.Post, $"/subscribers/{account}/orders", $$"""{"productId":"{{Product}}"}""", HttpStatusCode.OK);
                var signIn = await JsonAsync(HttpMethod.Post, "/api/v1/auth/sign-in",
                    $$$"""{"account":"{{{account}}}","password":"{{{Password}}}","device":{"id":"stb-1","kind":"stb","serial":"SN-{{{i + 1}}}"}}""", HttpStatusCode.OK);
                var access = signIn.GetProperty("accessToken").GetString()!;
                var grant = await JsonAsync(HttpMethod.Post, "/api/v1/playback", $$"""{"channel":"{{Channel}}"}""", HttpStatusCode.Created, access);
                // /p/{token}/live/{channel}/master.m3u8
                var url = grant.GetProperty("url").GetString()!;
                granted[i] = new Granted(grant.GetProperty("session").GetString()!, url.Split('/')[2], access);
            });
            return [.. granted];
        }

        /// <summary>How many of the sessions have a last heartbeat, as their entities answer it: proof the heartbeats reached them.</summary>
        public async Task<int> SeenAsync(IReadOnlyList<Granted> sessions)
        {
            var seen = 0;
            foreach (var s in sessions)
            {
                // A session is its player's own: read with the subscriber's access token.
                var view = await JsonAsync(HttpMethod.Get, $"/api/v1/sessions/{s.Session}", null, HttpStatusCode.OK, s.Access);
                if (view.TryGetProperty("lastSeen", out var last) && last.ValueKind == JsonValueKind.String &&
                    view.GetProperty("phase").GetString() is "playing" or "Playing") seen++;
            }

            return seen;
        }

        private async Task BossAsync(HttpMethod method, string target, string json, HttpStatusCode expected)
        {
            var body = Encoding.UTF8.GetBytes(json);
            var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            using var request = new HttpRequestMessage(method, BossPrefix + target)
            {
                Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
            };
            request.Headers.Add(BossSignature.KeyHeader, keyId);
            request.Headers.Add(BossSignature.TimestampHeader, timestamp);
            request.Headers.Add(BossSignature.SignatureHeader, BossSignature.Compute(secret, method.Method, BossPrefix + target, timestamp, body));
            request.Headers.Add(BossSignature.IdempotencyHeader, Guid.NewGuid().ToString("N"));
            using var response = await http.SendAsync(request);
            if (response.StatusCode != expected)
                throw new InvalidOperationException($"{method} {target}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        private async Task<JsonElement> JsonAsync(HttpMethod method, string target, string? json, HttpStatusCode expected, string? bearer = null)
        {
            using var request = new HttpRequestMessage(method, target);
            if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, "application/json");
            if (bearer is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
            using var response = await http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != expected) throw new InvalidOperationException($"{method} {target}: {(int)response.StatusCode} {text}");
            return JsonDocument.Parse(text).RootElement.Clone();
        }
    }

    /// <summary>One measured round: requests answered 200, bytes, failures and the node's CPU over it.</summary>
    internal sealed record Round(Workload Workload, Side Side, double Seconds, long Requests, long Bytes, long Failed, double NodeCpu, double ClientCpu, MachineCpu Machine)
    {
        public double PerSecond => Requests / Seconds;

        public double CpuPer10k => Requests == 0 ? double.NaN : NodeCpu / Requests * 10_000;

        /// <summary>Machine CPU used by neither the node nor this process (other work on a shared machine).</summary>
        public double OthersPercent => Machine.Total > 0 ? Math.Max(0, 100 * (Machine.Busy - NodeCpu - ClientCpu) / Machine.Total) : 0;

        public string Describe() =>
            $"{Workload,-8} {Side,-5} {PerSecond,8:0} req/s, {Bytes * 8 / Seconds / 1e9,5:0.00} Gbit/s, node {NodeCpu:0.00} CPU s ({CpuPer10k:0.00} per 10k), " +
            $"client {ClientCpu:0.00} CPU s, machine {Machine.BusyPercent:0}% busy ({OthersPercent:0}% by others)" + (Failed > 0 ? $", {Failed} FAILED" : "");
    }

    /// <summary>
    /// The load: <c>connections</c> workers over one HttpClient (a connection each, kept alive), each going round the
    /// sessions so that every session fetches in a token round; 127.0.0.1 only, and each round ends by itself.
    /// </summary>
    internal sealed class LoadClient : IDisposable
    {
        private readonly HttpClient _http;
        private readonly int _connections;
        private readonly IReadOnlyList<Granted> _sessions;

        public LoadClient(string url, int connections, IReadOnlyList<Granted> sessions)
        {
            var uri = new Uri(url);
            if (!IPAddress.TryParse(uri.Host, out var ip) || !IPAddress.IsLoopback(ip)) throw new ArgumentException($"load goes to loopback only, not {url}");
            _connections = connections;
            _sessions = sessions;
            _http = new HttpClient(new SocketsHttpHandler
            {
                UseProxy = false,
                MaxConnectionsPerServer = connections,
                PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
                AutomaticDecompression = DecompressionMethods.None,
            })
            {
                BaseAddress = uri,
                Timeout = TimeSpan.FromSeconds(20),
            };
        }

        public async Task<Round> RunAsync(Workload workload, Side side, TimeSpan duration, int nodePid)
        {
            var requests = new long[_connections];
            var bytes = new long[_connections];
            var failed = new long[_connections];
            var me = Process.GetCurrentProcess();
            me.Refresh();
            var client0 = me.TotalProcessorTime;
            var machine0 = ProcStats.Machine();
            var node0 = ProcStats.ProcessCpuSeconds(nodePid);
            var clock = Stopwatch.StartNew();
            var until = clock.Elapsed + duration;
            await Task.WhenAll(Enumerable.Range(0, _connections).Select(w => Task.Run(async () =>
            {
                var buffer = new byte[64 * 1024];
                for (var k = w; clock.Elapsed < until; k += _connections)
                {
                    var s = _sessions[k % _sessions.Count];
                    var folder = side == Side.Token ? $"/p/{s.Token}/live/{Grants.Channel}/main/" : $"/live/{Grants.Channel}/main/";
                    if (workload == Workload.Playlist)
                    {
                        var (listed, size) = await ReadAsync(folder + "index.m3u8", buffer);
                        Count(w, listed, size);
                        continue;
                    }

                    var (ok, text) = await TextAsync(folder + "index.m3u8");
                    Count(w, ok, text.Length);
                    if (!ok) continue;
                    if (NewestSegment(text) is not { } segment)
                    {
                        failed[w]++;
                        continue;
                    }

                    var (segOk, length) = await ReadAsync(folder + segment, buffer);
                    Count(w, segOk, length);
                }
            })));
            var seconds = clock.Elapsed.TotalSeconds;
            var node = ProcStats.ProcessCpuSeconds(nodePid) - node0;
            var machine = ProcStats.Machine() - machine0;
            me.Refresh();
            return new Round(workload, side, seconds, requests.Sum(), bytes.Sum(), failed.Sum(), node, (me.TotalProcessorTime - client0).TotalSeconds, machine);

            void Count(int w, bool ok, long length)
            {
                if (ok)
                {
                    requests[w]++;
                    bytes[w] += length;
                }
                else failed[w]++;
            }
        }

        /// <summary>A playlist's text, to find its newest segment in, as a player does.</summary>
        private async Task<(bool Ok, string Text)> TextAsync(string path)
        {
            try
            {
                using var response = await _http.GetAsync(path);
                return response.StatusCode == HttpStatusCode.OK ? (true, await response.Content.ReadAsStringAsync()) : (false, "");
            }
            catch (HttpRequestException)
            {
                return (false, "");
            }
            catch (TaskCanceledException)
            {
                return (false, "");
            }
        }

        /// <summary>Reads the body into a reused buffer, so the client allocates per request about the same on both sides.</summary>
        private async Task<(bool Ok, long Length)> ReadAsync(string path, byte[] buffer)
        {
            try
            {
                using var response = await _http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
                await using var body = await response.Content.ReadAsStreamAsync();
                long length = 0;
                int n;
                while ((n = await body.ReadAsync(buffer)) > 0) length += n;
                return (response.StatusCode == HttpStatusCode.OK, length);
            }
            catch (HttpRequestException)
            {
                return (false, 0);
            }
            catch (TaskCanceledException)
            {
                return (false, 0);
            }
        }

        /// <summary>The last segment URI of a media playlist (its last line that is not a tag).</summary>
        public static string? NewestSegment(string playlist)
        {
            var span = playlist.AsSpan().TrimEnd();
            while (span.Length > 0)
            {
                var nl = span.LastIndexOf('\n');
                var line = span[(nl + 1)..].Trim();
                if (line.Length > 0 && line[0] != '#') return line.ToString();
                if (nl < 0) break;
                span = span[..nl];
            }

            return null;
        }

        public static int Segments(string playlist) => playlist.Split('\n').Count(l => l.StartsWith("#EXTINF:", StringComparison.Ordinal));

        public void Dispose() => _http.Dispose();
    }

    internal static class Report
    {
        public static void Print(ServingOptions o, TsTimeline ts, List<Round> rounds, double idle, int seen, int sessions)
        {
            var machine = new MachineCpu(rounds.Sum(r => r.Machine.Busy), rounds.Sum(r => r.Machine.Idle), rounds.Sum(r => r.Machine.Steal),
                rounds.Sum(r => r.Machine.Total));
            Console.WriteLine();
            Console.WriteLine($"## Token-gated vs plain live serving, {DateTime.UtcNow:yyyy-MM-dd}, {Environment.ProcessorCount} cores");
            Console.WriteLine($"{sessions} sessions from the real grant flow, {o.Concurrency} keep-alive connections over loopback, {o.Rounds} rounds of {o.Round} s per side and workload " +
                              $"(A B B A …); one channel of {ts.BitsPerSecond / 1e6:0.0} Mbps, 2 s segments; node without load {100 * idle:0.0}% of a core; " +
                              $"machine {machine.BusyPercent:0}% busy over the rounds, steal {machine.StealPercent:0.0}%");
            Console.WriteLine($"heartbeats: {seen} of {sessions} session entities answer a last-seen and are still playing");
            Console.WriteLine();
            Console.WriteLine("| workload | side | requests/s (median of rounds) | Gbit/s | node CPU s per 10k requests | failed | ratio token/plain |");
            Console.WriteLine("|---|---|---:|---:|---:|---:|---:|");
            foreach (var w in Workloads.All)
            {
                var plain = rounds.Where(r => r.Workload == w && r.Side == Side.Plain).ToList();
                var token = rounds.Where(r => r.Workload == w && r.Side == Side.Token).ToList();
                var (p, t) = (Median(plain.Select(r => r.PerSecond)), Median(token.Select(r => r.PerSecond)));
                var pairs = plain.Zip(token, (a, b) => b.PerSecond / a.PerSecond).ToList();
                foreach (var (side, list, rate) in new[] { (Side.Plain, plain, p), (Side.Token, token, t) })
                {
                    var cpu = list.Sum(r => r.NodeCpu) / list.Sum(r => r.Requests) * 10_000;
                    var gbit = list.Sum(r => r.Bytes) * 8 / list.Sum(r => r.Seconds) / 1e9;
                    var ratio = side == Side.Token
                        ? $"**{t / p:0.000}** (rounds {string.Join(", ", pairs.Select(x => x.ToString("0.00", CultureInfo.InvariantCulture)))})"
                        : "";
                    Console.WriteLine($"| {w.ToString().ToLowerInvariant()} | {(side == Side.Plain ? "/live/…" : "/p/{token}/live/…")} | {rate:0} | {gbit:0.00} | {cpu:0.000} | " +
                                      $"{list.Sum(r => r.Failed)} | {ratio} |");
                }
            }

            Console.WriteLine();
            Console.WriteLine("goal: requests/s token/plain ≥ 0.9");
        }

        private static double Median(IEnumerable<double> values)
        {
            var v = values.Order().ToArray();
            return v.Length == 0 ? double.NaN : v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
        }
    }
}
