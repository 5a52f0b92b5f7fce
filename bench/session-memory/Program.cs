using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using Akka.Hosting;
using Inspur.Actors.Configuration;
using Inspur.Actors.Sessions;
using Inspur.Domain.Channels;
using Inspur.Domain.Sessions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using static Inspur.Domain.Sessions.SessionReplies;

// Memory per idle session (the `session` entity is a bucket of about a hundred of them): one process, the product's session sharding on SQLite (WithInspurNode +
// WithSessionActors + AddInspurSessions, as the host wires them), N sessions started and then left idle; the managed
// heap after full compacting GCs, against the same system before they were started. See bench/README.md.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
var map = new Dictionary<string, string>();
for (var i = 0; i + 1 < args.Length; i += 2) map[args[i].TrimStart('-')] = args[i + 1];
if (!map.TryGetValue("hocon", out var hoconDir) || !map.TryGetValue("work", out var work))
{
    Console.Error.WriteLine("usage: SessionMemory --hocon <repo>/hocon --work <dir> [--sessions 100000] [--subscribers 1000] [--parallel 256] [--warmup 1000]");
    return 2;
}

int Int(string key, int fallback) => map.TryGetValue(key, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
var count = Int("sessions", 100_000);
var subscribers = Int("subscribers", 1_000);
var parallel = Int("parallel", 256);
var warmup = Int("warmup", 1_000);
// --hold N: wait N seconds at the baseline and at the end, for a heap snapshot by type (dotnet-gcdump collect -p <pid>).
var hold = Int("hold", 0);

// Idle, not ended: the idle timeout is far beyond the run, so every session is still playing when it is measured.
var settings = new SessionSettings { IdleTimeout = TimeSpan.FromHours(6) };
var config = InspurAkkaConfig.Build(new InspurNodeSettings { Host = "127.0.0.1", Port = 0, DataDir = work, Hocon = "akka.loglevel = WARNING" }, hoconDir);
var roles = InspurAkkaConfig.Roles(config);
var builder = Host.CreateApplicationBuilder();
builder.Logging.ClearProviders();
builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
builder.Services.AddAkka("inspur", (akka, _) => akka.WithInspurNode(config).WithSessionActors(roles, settings));
builder.Services.AddInspurSessions(settings);
using var host = builder.Build();
await host.StartAsync();
var sessions = host.Services.GetRequiredService<ISessionService>();
var channel = new ChannelId("cctv-1");
var retries = 0L;

// Warm-up sessions (JIT, connection pools, the journal's batching, shards allocated) are part of the baseline.
var clock = Stopwatch.StartNew();
await StartAsync("warm", warmup);
Console.WriteLine($"{warmup} warm-up sessions started in {clock.Elapsed.TotalSeconds:0.0} s");
await Task.Delay(TimeSpan.FromSeconds(3));
var before = Heap();
Console.WriteLine($"baseline: {Describe(before)}");
await HoldAsync("baseline");

clock.Restart();
await StartAsync("ses", count);
var elapsed = clock.Elapsed;
Console.WriteLine($"{count} sessions started (each persisted its start on SQLite and answered) in {elapsed.TotalSeconds:0.0} s, {count / elapsed.TotalSeconds:0} per s; " +
                  $"{retries} asks timed out (10 s) and were retried");
// Let what the starts set off (lease renewals to the stream limiter, journal write batches) finish before measuring.
await Task.Delay(TimeSpan.FromSeconds(5));
var after = Heap();
Console.WriteLine($"after:    {Describe(after)}");
await HoldAsync("after");

// Every one is still there and playing: a sample answered from memory (GetSession does not count as a heartbeat).
var sample = Enumerable.Range(0, 200).Select(i => (long)i * count / 200).ToList();
var playing = 0;
foreach (var i in sample)
    if (await sessions.GetAsync(Id("ses", i)) is SessionView { Phase: SessionPhase.Playing }) playing++;

var perSession = (after.Heap - before.Heap) / (double)count;
Console.WriteLine();
Console.WriteLine($"## Memory per idle session, {DateTime.UtcNow:yyyy-MM-dd}, {Environment.ProcessorCount} cores, .NET {Environment.Version}");
Console.WriteLine($"| sessions | subscribers | start rate | heap before | heap after | per session | working set delta | still playing (sample) |");
Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|");
Console.WriteLine($"| {count:N0} | {subscribers:N0} | {count / elapsed.TotalSeconds:0}/s | {before.Heap / 1048576.0:0.0} MB | {after.Heap / 1048576.0:0.0} MB | " +
                  $"**{perSession:0} B** | {(after.WorkingSet - before.WorkingSet) / (double)count:0} B | {playing}/{sample.Count} |");
Console.WriteLine($"goal: ≤ 2048 B per idle session: {(perSession <= 2048 ? "met" : "NOT met")}");
await host.StopAsync();
return 0;

async Task StartAsync(string prefix, int n)
{
    var done = 0L;
    var failed = 0L;
    var progress = Stopwatch.StartNew();
    await Parallel.ForEachAsync(Enumerable.Range(0, n), new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (i, ct) =>
    {
        var start = new SessionStart($"acct-{i % subscribers:D6}", "stb-1", PlaybackContent.Live(channel));
        var reply = await StartOneAsync(Id(prefix, i), start, ct);
        if (reply is not SessionView) Interlocked.Increment(ref failed);
        if (Interlocked.Increment(ref done) % 10_000 == 0)
            Console.WriteLine($"  {done} started, {done / progress.Elapsed.TotalSeconds:0} per s");
    });
    if (failed > 0) throw new InvalidOperationException($"{failed} of {n} sessions did not start");
}

async Task HoldAsync(string what)
{
    if (hold <= 0) return;
    Console.WriteLine($"HOLD {what} pid {Environment.ProcessId} for {hold} s");
    await Task.Delay(TimeSpan.FromSeconds(hold));
}

// A retried identical start answers the session, so a start that timed out on the busy machine is simply asked again.
async Task<ISessionReply> StartOneAsync(SessionId id, SessionStart start, CancellationToken ct)
{
    for (var attempt = 1; ; attempt++)
    {
        try
        {
            return await sessions.StartAsync(id, start, SessionPosition.LiveEdge, ct);
        }
        catch (Akka.Actor.AskTimeoutException) when (attempt < 5)
        {
            Interlocked.Increment(ref retries);
        }
    }
}

static SessionId Id(string prefix, long i) => new($"{prefix}-{i:D8}");

static (long Heap, long WorkingSet) Heap()
{
    for (var i = 0; i < 4; i++)
    {
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
    }

    using var me = Process.GetCurrentProcess();
    return (GC.GetTotalMemory(forceFullCollection: false), me.WorkingSet64);
}

static string Describe((long Heap, long WorkingSet) m) => $"managed heap {m.Heap / 1048576.0:0.0} MB, working set {m.WorkingSet / 1048576.0:0.0} MB";
