using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using Inspur.Bench.LiveDensity;

// Live channels side by side: N passthrough channels on one Inspur.Host node against N `ffmpeg -c copy -f hls`
// processes, fed the same paced UDP replay; CPU per channel-hour, late segments, and ingest-to-playlist latency of
// segments and LL-HLS parts. See bench/README.md for what exactly is measured.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
var o = BenchOptions.Parse(args);
if (o is null)
{
    Console.Error.WriteLine("usage: LiveDensity --input <ts> --host-dll <Inspur.Host.dll> --work <dir> --shm <tmpfs dir> --pidfile <file>\n" +
                            "       [--measure 30] [--warmup 10] [--sweep 1,4,8,16] [--latency 60] [--idle 10] [--settle 130] [--pace pcr|rate|frame] [--poll 1|0] [--archive-hours 72]");
    return 2;
}

using var children = new Children(o.PidFile);

var ts = TsTimeline.Load(o.Input, o.Pace);
var bench = new Bench(o, ts, children);
Console.WriteLine($"input {Path.GetFileName(o.Input)}: {ts.LoopSeconds:0.0} s, {ts.BitsPerSecond / 1e6:0.00} Mbps TS, {ts.Frames.Count} frames " +
                  $"({1 / ts.FrameSeconds:0.##} fps), GOP {ts.GopSeconds:0.00} s, {ts.Datagrams} datagrams of 7 packets, paced by {ts.Pacing.Describe()}");
Console.WriteLine($"offline check of our segmenter: {ts.CheckClosingDatagrams(Bench.Target, Bench.PartTarget)}");
// The node's warm-up also waits for its JIT to go quiet: 20-40 s on this 2-core machine.
var oursSeconds = Math.Max(o.Warmup + 30, o.Settle) + o.Measure + 5;
var minutes = (o.Sweep.Count * (oursSeconds + o.Warmup + o.Measure + 8) + (o.Idle > 0 ? o.Idle + 15 : 0) +
               (o.Latency > 0 ? oursSeconds - o.Measure + o.Latency : 0)) / 60.0;
Console.WriteLine($"sweep N = {string.Join(",", o.Sweep)}: {o.Warmup} s warm-up (the node's until its JIT is quiet) + {o.Measure} s measured per side and N; our channels archive {o.ArchiveHours} h; " +
                  $"latency run {o.Latency} s; about {minutes:0.0} min");

var rows = new List<(int N, OursResult Ours, SideResult Ffmpeg)>();
double? idle = null;
foreach (var n in o.Sweep)
{
    var ours = await bench.RunOursAsync(n, measureIdle: idle is null && o.Idle > 0);
    idle ??= ours.IdleCpuPerHour;
    Console.WriteLine($"  ours   N={n,3}: {ours.Side.Describe()}, segments {ours.Segments.Describe()}" +
                      (ours.PollErrors > 0 ? $", {ours.PollErrors} poll errors" : ""));
    var ffmpeg = await bench.RunFfmpegAsync(n);
    Console.WriteLine($"  ffmpeg N={n,3}: {ffmpeg.Describe()}");
    rows.Add((n, ours, ffmpeg));
}

LatencyResult? latency = o.Latency > 0 ? await bench.RunLatencyAsync() : null;
Report.Print(o, ts, rows, idle, latency);
return 0;

/// <summary>Command-line settings (run.sh passes them).</summary>
internal sealed record BenchOptions(string Input, string HostDll, string Work, string Shm, string PidFile, int Measure, int Warmup,
    IReadOnlyList<int> Sweep, int Latency, int Idle, Pacing Pace, bool Poll, int Settle, int ArchiveHours)
{
    public static BenchOptions? Parse(string[] args)
    {
        if (BenchArgs.Parse(args) is not { } a) return null;
        string? Get(string key) => a.Get(key);
        int Int(string key, int fallback) => a.Int(key, fallback);
        if (Get("input") is not { } input || Get("host-dll") is not { } dll || Get("work") is not { } work || Get("shm") is not { } shm ||
            Get("pidfile") is not { } pidfile || !File.Exists(input) || !File.Exists(dll)) return null;
        var sweep = (Get("sweep") ?? "1,4,8,16").Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(s => int.Parse(s, CultureInfo.InvariantCulture)).Where(n => n > 0).ToList();
        if (!Enum.TryParse<Pacing>(Get("pace") ?? "pcr", ignoreCase: true, out var pace)) return null;
        return new BenchOptions(input, dll, work, shm, pidfile, Int("measure", 30), Int("warmup", 10), sweep, Int("latency", 60), Int("idle", 10),
            pace, Int("poll", 1) != 0, Int("settle", 130), Int("archive-hours", 72));
    }
}

/// <summary>CPU and transport figures of one side over its measured interval.</summary>
internal sealed record SideResult(int N, double CpuSeconds, double Seconds, MachineCpu Machine, double BenchCpuSeconds, long UdpDrops,
    (double P50, double P99, double Max) Lag, double SentMbps, long Refused, string? Note)
{
    public double CpuPerChannelHour => CpuSeconds / (N * Seconds / 3600);

    /// <summary>Machine CPU used by neither the measured side nor this bench process (other work on a shared machine).</summary>
    public double OthersPercent => Machine.Total > 0 ? Math.Max(0, 100 * (Machine.Busy - CpuSeconds - BenchCpuSeconds) / Machine.Total) : 0;

    public string Describe() =>
        $"{CpuSeconds:0.00} CPU s in {Seconds:0.0} s ({100 * CpuSeconds / Seconds:0.0}% of a core, {CpuPerChannelHour:0.0} s per channel-hour), " +
        $"machine {Machine.BusyPercent:0}% busy ({OthersPercent:0}% by other processes, steal {Machine.StealPercent:0.0}%), UDP drops {UdpDrops}, sent {SentMbps:0.0} Mbps, " +
        $"replayer lag p99 {Lag.P99:0.0} ms max {Lag.Max:0.0} ms, bench process {BenchCpuSeconds:0.00} CPU s" +
        (Refused > 0 ? $", {Refused} sends refused (port not listening)" : "") + (Note is null ? "" : ", " + Note);
}

/// <summary>Segments closed in the measured interval and when they showed up in our playlists.</summary>
internal sealed record SegmentStats(bool Followed, int Closings, int Late, int Missing, int Unmatched, int WithOthers, int WrongSize, Percentiles Latency)
{
    public double LatePercent => Closings == 0 || !Followed ? double.NaN : 100.0 * (Late + Missing) / Closings;

    public string Describe() => !Followed ? $"{Closings} closed (playlists not followed)" :
        $"{Closings} closed, {LatePercent:0.00}% late ({Late} over 1 s, {Missing} never seen), latency {Latency.Describe()}" +
        (Unmatched > 0 ? $", {Unmatched} appearances not tied to a keyframe" : "") +
        (WrongSize > 0 ? $", {WrongSize} segments not of the expected size (packets lost or added)" : ", every segment of the expected size");
}

internal sealed record OursResult(SideResult Side, SegmentStats Segments, double? IdleCpuPerHour, long PollErrors);

internal sealed record LatencyResult(SegmentStats PlainSegments, SegmentStats LlSegments, Percentiles Parts, Percentiles PartsFromLastByte, int PartsWithOthers, long PollErrors);

/// <summary>Nearest-rank percentiles of latencies in ms.</summary>
internal sealed record Percentiles(int Count, double P50, double P99, double Max)
{
    public static Percentiles Of(List<double> values)
    {
        if (values.Count == 0) return new Percentiles(0, double.NaN, double.NaN, double.NaN);
        values.Sort();
        double At(double q) => values[Math.Max(0, (int)Math.Ceiling(q * values.Count) - 1)];
        return new Percentiles(values.Count, At(0.5), At(0.99), values[^1]);
    }

    public string Describe() => Count == 0 ? "no samples" : $"p50 {P50:0.0} ms, p99 {P99:0.0} ms, max {Max:0.0} ms (n={Count})";
}

/// <summary>Runs each side for one N, and the latency run.</summary>
internal sealed class Bench(BenchOptions o, TsTimeline ts, Children children)
{
    public static readonly TimeSpan Target = TimeSpan.FromSeconds(2); // the node's LivePipelines.TargetDuration
    public static readonly TimeSpan PartTarget = TimeSpan.FromMilliseconds(400); // and its PartTarget
    private static readonly TimeSpan Tail = TimeSpan.FromSeconds(1.5); // pollers go on this long after the interval
    private int _run;

    public async Task<OursResult> RunOursAsync(int n, bool measureIdle)
    {
        var dir = Path.Combine(o.Work, $"ours-{n}-{++_run}");
        var node = await NodeUnderTest.StartAsync(children, o.HostDll, dir);
        try
        {
            double? idle = null;
            if (measureIdle)
            {
                await Task.Delay(3000); // let the fresh cluster settle
                await node.SettledAsync(o.Settle);
                await WaitJitQuietAsync(node.Pid, TimeSpan.FromSeconds(60));
                var c0 = ProcStats.ProcessCpuSeconds(node.Pid);
                await Task.Delay(TimeSpan.FromSeconds(o.Idle));
                idle = (ProcStats.ProcessCpuSeconds(node.Pid) - c0) / o.Idle * 3600;
            }

            var ports = Enumerable.Range(0, n).Select(_ => Children.FreePort(SocketType.Dgram)).ToList();
            for (var i = 0; i < n; i++) await node.AddChannelAsync($"bench-{i + 1}", i + 1, ports[i], lowLatency: false, o.ArchiveHours);
            await WaitBoundAsync(ports, () => false, node.Log);

            using var replayer = new Replayer(ts, ports, TimeSpan.FromSeconds(o.Warmup + o.Measure + 120));
            using var stop = new CancellationTokenSource();
            var pollers = Enumerable.Range(0, o.Poll ? n : 0).Select(i => new HlsPoller(node.Http, NodeUnderTest.RenditionUrl($"bench-{i + 1}"), ts, parts: false)).ToList();
            replayer.Start();
            var polling = pollers.Select(p => p.RunAsync(stop.Token)).ToList();
            await Task.Delay(TimeSpan.FromSeconds(o.Warmup));
            await node.SettledAsync(o.Settle);
            var jit = await WaitJitQuietAsync(node.Pid, TimeSpan.FromSeconds(60));
            var (side, t0, t1) = await MeasureAsync(n, () => [node.Pid], ports, replayer, () => null);
            side = side with { Note = $"warm-up {o.Warmup + jit.TotalSeconds:0} s (JIT quiet)" };
            await Task.Delay(Tail);
            stop.Cancel();
            await Task.WhenAll(polling);
            await Task.WhenAll(pollers.Select(p => p.DrainAsync()));
            replayer.Stop();
            var segments = Analysis.Segments(ts, replayer, o.Poll ? pollers : null, t0, t1);
            return new OursResult(side, segments, idle, pollers.Sum(p => p.Errors));
        }
        catch
        {
            Console.Error.WriteLine($"node log tail:\n{NodeUnderTest.Tail(node.Log)}");
            throw;
        }
        finally
        {
            node.Dispose();
            TryDelete(dir);
        }
    }

    public async Task<SideResult> RunFfmpegAsync(int n)
    {
        var dir = Path.Combine(o.Shm, $"ffmpeg-{n}-{++_run}");
        var ports = Enumerable.Range(0, n).Select(_ => Children.FreePort(SocketType.Dgram)).ToList();
        var ffmpeg = new FfmpegPackagers(children, ports, dir);
        try
        {
            await WaitBoundAsync(ports, () => ffmpeg.AnyExited, Path.Combine(dir, "ffmpeg-1.log"));
            using var replayer = new Replayer(ts, ports, TimeSpan.FromSeconds(o.Warmup + o.Measure + 120));
            replayer.Start();
            await Task.Delay(TimeSpan.FromSeconds(o.Warmup));
            for (var wait = Stopwatch.StartNew(); !ffmpeg.AllWriting && wait.Elapsed < TimeSpan.FromSeconds(30);) await Task.Delay(200);
            long? before = null;
            var (side, t0, t1) = await MeasureAsync(n, () => ffmpeg.Pids, ports, replayer, () =>
            {
                var now = ffmpeg.Segments();
                if (before is { } b) return now - b;
                before = now;
                return null;
            });
            replayer.Stop();
            var closings = Analysis.Segments(ts, replayer, null, t0, t1).Closings;
            var exited = ffmpeg.AnyExited ? ", an ffmpeg exited early" : "";
            return side with { Note = $"ffmpeg wrote {side.Note} segments for {closings} GOPs sent{exited}" };
        }
        finally
        {
            ffmpeg.Dispose();
            TryDelete(dir);
        }
    }

    public async Task<LatencyResult> RunLatencyAsync()
    {
        var dir = Path.Combine(o.Work, $"latency-{++_run}");
        var node = await NodeUnderTest.StartAsync(children, o.HostDll, dir);
        try
        {
            var ports = new[] { Children.FreePort(SocketType.Dgram), Children.FreePort(SocketType.Dgram) };
            await node.AddChannelAsync("lat-plain", 1, ports[0], lowLatency: false, o.ArchiveHours);
            await node.AddChannelAsync("lat-ll", 2, ports[1], lowLatency: true, o.ArchiveHours);
            await WaitBoundAsync(ports, () => false, node.Log);
            using var replayer = new Replayer(ts, ports, TimeSpan.FromSeconds(o.Warmup + o.Latency + 120));
            using var stop = new CancellationTokenSource();
            var pollers = new List<HlsPoller>
            {
                new(node.Http, NodeUnderTest.RenditionUrl("lat-plain"), ts, parts: false),
                new(node.Http, NodeUnderTest.RenditionUrl("lat-ll"), ts, parts: true),
            };
            replayer.Start();
            var polling = pollers.Select(p => p.RunAsync(stop.Token)).ToList();
            await Task.Delay(TimeSpan.FromSeconds(o.Warmup));
            await WaitJitQuietAsync(node.Pid, TimeSpan.FromSeconds(60));
            var t0 = Stopwatch.GetTimestamp();
            await Task.Delay(TimeSpan.FromSeconds(o.Latency));
            var t1 = Stopwatch.GetTimestamp();
            await Task.Delay(Tail);
            stop.Cancel();
            await Task.WhenAll(polling);
            await Task.WhenAll(pollers.Select(p => p.DrainAsync()));
            replayer.Stop();
            var (parts, fromLastByte, withOthers) = Analysis.Parts(ts, replayer, 1, pollers[1], t0, t1);
            return new LatencyResult(
                Analysis.Segments(ts, replayer, [pollers[0], null], t0, t1),
                Analysis.Segments(ts, replayer, [null, pollers[1]], t0, t1),
                parts, fromLastByte, withOthers, pollers.Sum(p => p.Errors));
        }
        catch
        {
            Console.Error.WriteLine($"node log tail:\n{NodeUnderTest.Tail(node.Log)}");
            throw;
        }
        finally
        {
            node.Dispose();
            TryDelete(dir);
        }
    }

    /// <summary>
    /// Steady state for the node means its JIT is done: tiered compilation recompiles hot code for tens of seconds after
    /// start (several CPU seconds), which is not the cost of running channels. Waits until the tiered-compilation thread
    /// has been idle (or gone) for 2 s, at most <paramref name="max"/>; returns how long it waited.
    /// </summary>
    private static async Task<TimeSpan> WaitJitQuietAsync(int pid, TimeSpan max)
    {
        var watch = Stopwatch.StartNew();
        var last = ProcStats.TieredJitSeconds(pid);
        while (watch.Elapsed < max)
        {
            await Task.Delay(2000);
            var now = ProcStats.TieredJitSeconds(pid);
            if (now is null || now == last) break;
            last = now;
        }

        return watch.Elapsed;
    }

    /// <summary>The measured interval: CPU of <paramref name="pids"/>, of the machine and of this process, UDP drops.</summary>
    private async Task<(SideResult Side, long T0, long T1)> MeasureAsync(int n, Func<IEnumerable<int>> pids, IReadOnlyList<int> ports, Replayer replayer,
        Func<long?> count)
    {
        var self = Environment.ProcessId;
        var cpu0 = pids().Sum(ProcStats.ProcessCpuSeconds);
        var self0 = ProcStats.ProcessCpuSeconds(self);
        var m0 = ProcStats.Machine();
        var d0 = ProcStats.UdpSockets(ports).Values.Sum();
        count();
        replayer.ResetWindow();
        var t0 = Stopwatch.GetTimestamp();
        await Task.Delay(TimeSpan.FromSeconds(o.Measure));
        var t1 = Stopwatch.GetTimestamp();
        var cpu1 = pids().Sum(ProcStats.ProcessCpuSeconds);
        var self1 = ProcStats.ProcessCpuSeconds(self);
        var m1 = ProcStats.Machine();
        var d1 = ProcStats.UdpSockets(ports).Values.Sum();
        var counted = count();
        var seconds = (t1 - t0) / (double)Stopwatch.Frequency;
        var (_, bytes) = replayer.Window;
        if (double.IsNaN(cpu1)) throw new InvalidOperationException("a measured process exited during the interval");
        return (new SideResult(n, cpu1 - cpu0, seconds, m1 - m0, self1 - self0, d1 - d0, replayer.Lag(), bytes * 8 / seconds / 1e6,
            replayer.Refused, counted?.ToString(CultureInfo.InvariantCulture)), t0, t1);
    }

    /// <summary>Waits until a UDP socket is bound on every port (the pipelines or ffmpeg are listening).</summary>
    private static async Task WaitBoundAsync(IReadOnlyList<int> ports, Func<bool> failed, string log)
    {
        var watch = Stopwatch.StartNew();
        while (ProcStats.UdpSockets(ports).Count < ports.Count)
        {
            if (failed()) throw new InvalidOperationException($"a packager exited before listening:\n{NodeUnderTest.Tail(log)}");
            if (watch.Elapsed > TimeSpan.FromSeconds(30)) throw new TimeoutException($"UDP ports {string.Join(",", ports)} not all bound in 30 s:\n{NodeUnderTest.Tail(log)}");
            await Task.Delay(50);
        }

        await Task.Delay(200);
    }

    private static void TryDelete(string dir)
    {
        try
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>Ties what the pollers saw to what the replayer sent.</summary>
internal static class Analysis
{
    /// <summary>
    /// The segment closings of the interval are the keyframes sent to a channel in [t0, t1] (except the very first one
    /// sent, which only opens a segment): each closes the segment before it. A closing is on time when that segment
    /// was in the playlist within 1 s of the keyframe's first datagram being sent; late when later, missing when never.
    /// A null poller stands for a channel whose playlists were not followed (to count closings only); null pollers for all.
    /// </summary>
    public static SegmentStats Segments(TsTimeline ts, Replayer replayer, IReadOnlyList<HlsPoller?>? pollers, long t0, long t1)
    {
        var f = (double)Stopwatch.Frequency;
        var latencies = new List<double>();
        int closings = 0, late = 0, missing = 0, unmatched = 0, withOthers = 0, wrongSize = 0;
        for (var c = 0; c < replayer.Channels; c++)
        {
            var poller = pollers is not null && c < pollers.Count ? pollers[c] : null;
            if (pollers is not null && poller is null) continue;
            var seen = new Dictionary<(int Loop, int Frame), Appearance>();
            foreach (var a in poller?.Seen.Where(a => a.Part < 0) ?? [])
            {
                var first = a.Pts >= 0 ? ts.FrameOfPts(a.Pts) : -1;
                var closing = first >= 0 ? ts.NextKeyframe(first) : -1;
                var sent = closing >= 0 ? replayer.LatestSend(c, ts.Frames[closing].Datagram, a.At) : null;
                if (sent is null)
                {
                    if (a.At < t0 || a.At > t1) continue;
                    unmatched++;
                    Debug($"channel {c}: segment {a.Msn} seen at {(a.At - t0) / f:0.000} s not tied to a keyframe (first PTS {a.Pts}, frame {first}{(a.Problem is null ? "" : ", " + a.Problem)})");
                    continue;
                }

                seen.TryAdd((sent.Value.Loop, closing), a);
            }

            for (var loop = 0; loop < replayer.Loops(c); loop++)
            {
                foreach (var k in ts.Keyframes)
                {
                    if (loop == 0 && k == 0) continue;
                    var sent = replayer.SendTime(c, loop, ts.Frames[k].Datagram);
                    if (sent == 0 || sent < t0 || sent > t1) continue;
                    closings++;
                    if (poller is null) continue;
                    if (!seen.TryGetValue((loop, k), out var a))
                    {
                        missing++;
                        Debug($"channel {c}: keyframe {k} of loop {loop} sent at {(sent - t0) / f:0.000} s closed no segment seen");
                        continue;
                    }

                    var ms = (a.At - sent) * 1000 / f;
                    latencies.Add(ms);
                    if (ms > 1000) late++;
                    if (a.WithOthers) withOthers++;
                    if (a.Size != ts.ExpectedSegmentBytes(ts.FrameOfPts(a.Pts)))
                    {
                        wrongSize++;
                        Debug($"channel {c}: segment {a.Msn} has {a.Size} bytes, expected {ts.ExpectedSegmentBytes(ts.FrameOfPts(a.Pts))}");
                    }
                }
            }
        }

        return new SegmentStats(pollers is not null, closings, late, missing, unmatched, withOthers, wrongSize, Percentiles.Of(latencies));
    }

    private static readonly bool Debugging = Environment.GetEnvironmentVariable("INSPUR_BENCH_DEBUG") == "1";

    private static void Debug(string line)
    {
        if (Debugging) Console.Error.WriteLine("debug: " + line);
    }

    /// <summary>
    /// Part latency: playlist appearance minus the send time of the datagram carrying the first packet of the frame
    /// after the part's last frame (the segmenter cannot know the part is complete before), and minus the send time of
    /// the datagram carrying the part's last byte; parts whose closing frame was sent in [t0, t1].
    /// </summary>
    public static (Percentiles Closing, Percentiles LastByte, int WithOthers) Parts(TsTimeline ts, Replayer replayer, int channel, HlsPoller poller, long t0, long t1)
    {
        var f = (double)Stopwatch.Frequency;
        var closing = new List<double>();
        var lastByte = new List<double>();
        var withOthers = 0;
        foreach (var a in poller.Seen.Where(a => a.Part >= 0))
        {
            var last = a.Pts >= 0 ? ts.FrameOfPts(a.Pts) : -1;
            if (last < 0) continue;
            var next = ts.NextFrame(last);
            if (replayer.LatestSend(channel, ts.Frames[next].Datagram, a.At) is not { } sent || sent.SentAt < t0 || sent.SentAt > t1) continue;
            closing.Add((a.At - sent.SentAt) * 1000 / f);
            var (datagram, previousLoop) = ts.LastByteBefore(next);
            var lastSent = replayer.SendTime(channel, sent.Loop - (previousLoop ? 1 : 0), datagram);
            if (lastSent != 0) lastByte.Add((a.At - lastSent) * 1000 / f);
            if (a.WithOthers) withOthers++;
        }

        return (Percentiles.Of(closing), Percentiles.Of(lastByte), withOthers);
    }
}

/// <summary>The final table and conclusions.</summary>
internal static class Report
{
    public static void Print(BenchOptions o, TsTimeline ts, List<(int N, OursResult Ours, SideResult Ffmpeg)> rows, double? idle, LatencyResult? latency)
    {
        Console.WriteLine();
        Console.WriteLine($"== live-density, {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd}: {ts.BitsPerSecond / 1e6:0.00} Mbps TS, " +
                          $"UDP on loopback paced by {ts.Pacing.Describe()}; per N: {o.Warmup} s warm-up, {o.Measure} s measured, ours then ffmpeg");
        Console.WriteLine();
        Console.WriteLine("| N | ours: late % | ours: segment latency p50 / p99 | ours: CPU s per channel-hour | ffmpeg: CPU s per channel-hour | ratio ours/ffmpeg | machine busy (by others) ours / ffmpeg | UDP drops ours / ffmpeg |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        foreach (var (n, ours, ff) in rows)
        {
            var ratio = ours.Side.CpuPerChannelHour / ff.CpuPerChannelHour;
            Console.WriteLine($"| {n} | {ours.Segments.LatePercent:0.00} % ({ours.Segments.Late + ours.Segments.Missing}/{ours.Segments.Closings}) | " +
                              $"{ours.Segments.Latency.P50:0} / {ours.Segments.Latency.P99:0} ms | {ours.Side.CpuPerChannelHour:0.0} | {ff.CpuPerChannelHour:0.0} | " +
                              $"**{ratio:0.00}** | {ours.Side.Machine.BusyPercent:0} % ({ours.Side.OthersPercent:0} %) / {ff.Machine.BusyPercent:0} % ({ff.OthersPercent:0} %) | {ours.Side.UdpDrops} / {ff.UdpDrops} |");
        }

        var checkedSegments = rows.Sum(r => r.Ours.Segments.Closings - r.Ours.Segments.Missing);
        var wrong = rows.Sum(r => r.Ours.Segments.WrongSize);
        if (rows.Any(r => r.Ours.Segments.Followed))
            Console.WriteLine(wrong == 0
                ? $"\nevery segment of ours seen ({checkedSegments}) had exactly the bytes the source sent for its GOP: nothing lost between socket and playlist"
                : $"\n{wrong} of {checkedSegments} segments of ours did not have the bytes the source sent for their GOP (packets lost or added)");
        Console.WriteLine();
        if (idle is { } i) Console.WriteLine($"idle node (no channels): {i:0.0} CPU s per hour; it is included in 'ours' above");
        var followed = rows.Where(r => r.Ours.Segments.Followed).ToList();
        var pass = followed.Where(r => r.Ours.Segments.LatePercent < 1).ToList();
        if (followed.Count == 0)
        {
            Console.WriteLine("our playlists were not followed (--poll 0): no late figures");
        }
        else if (pass.Count > 0)
        {
            var best = pass.MaxBy(r => r.N);
            Console.WriteLine($"largest N with under 1% late: {best.N} — node {100 * best.Ours.Side.CpuSeconds / best.Ours.Side.Seconds:0} % of one core " +
                              $"({best.Ours.Side.CpuPerChannelHour:0.0} CPU s per channel-hour), machine {best.Ours.Side.Machine.BusyPercent:0} % busy");
        }
        else
        {
            Console.WriteLine("no N had under 1% late segments");
        }

        var fail = followed.Where(r => !(r.Ours.Segments.LatePercent < 1)).OrderBy(r => r.N).FirstOrDefault();
        var nominal = ts.BitsPerSecond / 1e6;
        if (fail.Ours is null && followed.Count > 0)
        {
            var top = followed.MaxBy(r => r.N);
            var s = top.Ours.Side;
            var saturated = s.Machine.BusyPercent >= 90 || s.Lag.P99 > 20;
            Console.WriteLine(saturated
                ? $"no late segments up to N={top.N}, but there the machine ran out first: {s.Machine.BusyPercent:0} % busy ({s.OthersPercent:0} % by other processes), " +
                  $"replayer lag p99 {s.Lag.P99:0.0} ms, max {s.Lag.Max:0} ms; going higher measures the machine and the replayer, not the node"
                : $"no limit reached up to N={top.N}: machine {s.Machine.BusyPercent:0} % busy, replayer lag p99 {s.Lag.P99:0.0} ms, " +
                  $"sent {s.SentMbps / top.N:0.00} of {nominal:0.00} Mbps per channel; sweep further to find it");
        }
        else if (fail.Ours is not null)
        {
            var s = fail.Ours.Side;
            var why = s.Machine.BusyPercent >= 90 ? $"the CPU ran out first ({s.OthersPercent:0}% of the machine was other processes)"
                : s.Lag.P99 > 20 || s.SentMbps < 0.98 * nominal * fail.N ? "the replayer ran out first (it fell behind its schedule)"
                : "neither the CPU nor the replayer was saturated: the node itself fell behind";
            Console.WriteLine($"at N={fail.N}: {fail.Ours.Segments.LatePercent:0.00}% late; {why} (machine {s.Machine.BusyPercent:0} % busy, replayer lag p99 " +
                              $"{s.Lag.P99:0.0} ms, sent {s.SentMbps:0.0} of {nominal * fail.N:0.0} Mbps, UDP drops {s.UdpDrops})");
        }

        if (latency is null) return;
        Console.WriteLine();
        Console.WriteLine($"ingest-to-playlist latency, one node with a 2 s channel and an LL-HLS channel (400 ms parts), {o.Latency} s:");
        Console.WriteLine("| object | p50 | p99 | max | n |");
        Console.WriteLine("|---|---|---|---|---|");
        void Line(string name, Percentiles p) => Console.WriteLine($"| {name} | {p.P50:0.0} ms | {p.P99:0.0} ms | {p.Max:0.0} ms | {p.Count} |");
        Line("segment, 2 s channel (from next GOP's first datagram)", latency.PlainSegments.Latency);
        Line("segment, LL-HLS channel", latency.LlSegments.Latency);
        Line("part (from next frame's first datagram)", latency.Parts);
        Line("part (from the datagram with its last byte)", latency.PartsFromLastByte);
        Console.WriteLine($"LL-HLS goal: part in the playlist <= 100 ms p99 after its last byte arrived: " +
                          $"{(latency.PartsFromLastByte.P99 <= 100 ? "met" : "NOT met")} ({latency.PartsFromLastByte.P99:0.0} ms)");
        var notes = new List<string>();
        if (latency.PlainSegments.Missing + latency.LlSegments.Missing > 0) notes.Add($"{latency.PlainSegments.Missing + latency.LlSegments.Missing} segments never seen");
        if (latency.PartsWithOthers > 0) notes.Add($"{latency.PartsWithOthers} parts arrived in the same reload as another (their time is an upper bound)");
        if (latency.PollErrors > 0) notes.Add($"{latency.PollErrors} poll errors");
        if (notes.Count > 0) Console.WriteLine("notes: " + string.Join("; ", notes));
    }
}
