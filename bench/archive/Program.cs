using System.Diagnostics;
using System.Globalization;
using Inspur.Media.Archive;
using Inspur.Media.Live;
using Inspur.Media.Segmenting;

// (i) Time-shift playlist for 1 hour at random points of a 1-day and a 7-day archive against the live playlist of a
// 1-hour hot window; (ii) ArchiveWriter against one sequential FileStream write and `cp` of the same bytes, alternating
// rounds, medians. Archives are synthetic (188-byte files, every 2 s segment present) and cached under the cache dir.
if (args.Length < 2 || !File.Exists(args[1]))
{
    Console.Error.WriteLine("usage: ArchiveBench <cache-dir> <input.ts> [write-MB=512] [rounds=5] [lookups=200]");
    return 2;
}

var inv = CultureInfo.InvariantCulture;
var cache = args[0];
var input = args[1];
var writeMb = args.Length > 2 ? int.Parse(args[2], inv) : 512;
var rounds = args.Length > 3 ? int.Parse(args[3], inv) : 5;
var lookups = args.Length > 4 ? int.Parse(args[4], inv) : 200;
var segment = TimeSpan.FromSeconds(2);
var end = new DateTimeOffset(2026, 11, 30, 0, 0, 0, TimeSpan.Zero);

var deep1 = Synthetic(Path.Combine(cache, "archive-1d"), days: 1);
var deep7 = Synthetic(Path.Combine(cache, "archive-7d"), days: 7);

// (i) lookups
var random = new Random(20261201);
var clock = new FixedClock(end.AddDays(1));
double Lookup(string root, int days)
{
    var playlists = new TimeShiftPlaylists(new ArchiveReader(new ArchiveLayout(root)), clock);
    var span = (long)TimeSpan.FromDays(days).Subtract(TimeSpan.FromHours(1)).TotalMilliseconds;
    var times = new List<double>();
    for (var i = 0; i < lookups; i++)
    {
        var at = end.AddDays(-days).AddMilliseconds(random.NextInt64(0, span));
        var watch = Stopwatch.StartNew();
        var result = (TimeShiftPlaylist)playlists.Range("bench", "main", at, TimeSpan.FromHours(1), s => Path.GetFileName(s.Path));
        var text = result.Text;
        watch.Stop();
        if (result.ArchivedSegments < 1800 || text.Length == 0) throw new InvalidOperationException($"lookup at {at:O} found {result.ArchivedSegments} segments");
        times.Add(watch.Elapsed.TotalMilliseconds);
    }

    return Median(times);
}

double Live()
{
    var rendition = new LiveRendition("main", segment, null, TimeSpan.FromHours(1));
    var bytes = new byte[188];
    var t = end;
    long seq = 0;
    for (; seq < 1800; seq++, t += segment) rendition.OnSegment(new SegmentInfo(seq, 0, t, segment, bytes.Length, false, 0), bytes);
    var times = new List<double>();
    for (var i = 0; i < lookups; i++, seq++, t += segment)
    {
        var watch = Stopwatch.StartNew();
        rendition.OnSegment(new SegmentInfo(seq, 0, t, segment, bytes.Length, false, 0), bytes); // a new window version…
        var text = rendition.Playlist(); // …so the playlist is rendered, not served from its cache
        watch.Stop();
        if (text.Length == 0) throw new InvalidOperationException("empty live playlist");
        times.Add(watch.Elapsed.TotalMilliseconds);
    }

    return Median(times);
}

Lookup(deep1, 1); // JIT warm-up
Live();
var lookupRows = new List<(double Live, double Day1, double Day7)>();
for (var r = 0; r < rounds; r++) lookupRows.Add((Live(), Lookup(deep1, 1), Lookup(deep7, 7)));
var live = Median(lookupRows.Select(x => x.Live).ToList());
var day1 = Median(lookupRows.Select(x => x.Day1).ToList());
var day7 = Median(lookupRows.Select(x => x.Day7).ToList());

// (ii) write throughput of real segment bytes
var sink = new Collect();
using (var segmenter = new Segmenter(new SegmenterOptions { TargetDuration = segment }, sink))
{
    segmenter.Push(File.ReadAllBytes(input));
    segmenter.Complete();
}

var perPass = sink.Segments.Sum(s => (long)s.Bytes.Length);
var passes = (int)Math.Max(1, Math.Ceiling(writeMb * 1e6 / perPass));
var total = perPass * passes;
var work = Directory.CreateTempSubdirectory("archive-bench-").FullName;
var source = Path.Combine(work, "source.bin");
WriteSequential(source);
double Time(Action action) => Measure(action).Wall;

// Wall seconds and this process's CPU seconds (user + system; the kernel's later write-back of dirty pages runs in its
// own threads and is not in it, which flatters the buffered writes).
(double Wall, double Cpu) Measure(Action action)
{
    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
    var watch = Stopwatch.StartNew();
    action();
    watch.Stop();
    return (watch.Elapsed.TotalSeconds, (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds);
}

void WriteSequential(string path)
{
    using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 0);
    for (var p = 0; p < passes; p++)
    {
        foreach (var s in sink.Segments) file.Write(s.Bytes);
    }
}

void WriteArchive(string root, bool durable, bool direct = true)
{
    var writer = new ArchiveWriter(new ArchiveLayout(root), new ArchiveUsage()) { Durable = durable, DirectWrites = direct };
    var t = end;
    for (var p = 0; p < passes; p++)
    {
        foreach (var s in sink.Segments)
        {
            if (writer.Write("bench", "main", t, s.Info.Duration, s.Bytes) is not ArchiveWritten) throw new InvalidOperationException("write failed");
            t += s.Info.Duration;
        }
    }
}

void Cp(string to)
{
    using var p = Process.Start(new ProcessStartInfo("cp", [source, to]))!;
    p.WaitForExit();
    if (p.ExitCode != 0) throw new InvalidOperationException("cp failed");
}

void Sync()
{
    using var p = Process.Start(new ProcessStartInfo("sync"))!;
    p.WaitForExit();
}

var seqTimes = new List<double>();
var cpTimes = new List<double>();
var durableTimes = new List<double>();
var directRuns = new List<(double Wall, double Cpu)>();
var bufferedRuns = new List<(double Wall, double Cpu)>();
WriteArchive(Path.Combine(work, "warm"), false);
Directory.Delete(Path.Combine(work, "warm"), true);
// The variants run in a different order each round (rotated), because the position matters on this VM: a buffered
// write right after `cp` and its delete took 2.5x as long as the same write after a direct one.
var variants = new (string Name, Action Run)[]
{
    ("seq", () => { seqTimes.Add(Time(() => WriteSequential(Path.Combine(work, "seq.bin")))); File.Delete(Path.Combine(work, "seq.bin")); }),
    ("cp", () => { cpTimes.Add(Time(() => Cp(Path.Combine(work, "cp.bin")))); File.Delete(Path.Combine(work, "cp.bin")); }),
    ("buffered", () => { bufferedRuns.Add(Measure(() => WriteArchive(Path.Combine(work, "buffered"), false, direct: false))); Directory.Delete(Path.Combine(work, "buffered"), true); }),
    ("direct", () => { directRuns.Add(Measure(() => WriteArchive(Path.Combine(work, "direct"), false))); Directory.Delete(Path.Combine(work, "direct"), true); }),
};
for (var r = 0; r < rounds; r++)
{
    // Every timed run starts with the dirty pages of the previous one flushed and its output deleted, so none pays for another.
    for (var i = 0; i < variants.Length; i++)
    {
        Sync();
        variants[(i + r) % variants.Length].Run();
    }

    if (r < 3)
    {
        Sync();
        durableTimes.Add(Time(() => WriteArchive(Path.Combine(work, "durable"), true)));
        Directory.Delete(Path.Combine(work, "durable"), true);
    }
}

Directory.Delete(work, true);
string Rounds(IEnumerable<double> values) => string.Join(" ", values.Select(v => v.ToString("0.000", inv)));
Console.WriteLine($"rounds (wall s): FileStream {Rounds(seqTimes)}; cp {Rounds(cpTimes)}; " +
    $"buffered writer {Rounds(bufferedRuns.Select(r => r.Wall))}; direct {Rounds(directRuns.Select(r => r.Wall))}; durable {Rounds(durableTimes)}");
var mb = total / 1e6;
var seq = Median(seqTimes);
var cp = Median(cpTimes);
var arch = Median(bufferedRuns.Select(r => r.Wall).ToList());
var durable = Median(durableTimes);
var files = sink.Segments.Count * passes;
Console.WriteLine();
Console.WriteLine($"time-shift lookup: 1-hour playlist (1800 segments) at {lookups} random points per round, {rounds} rounds, medians");
Console.WriteLine("| what | median ms | vs live |");
Console.WriteLine("|---|---:|---:|");
Console.WriteLine($"| live playlist, 1 h hot window (LiveRendition.Playlist after a new segment) | {live:0.000} | 1.00× |");
Console.WriteLine($"| time-shift 1 h, 1-day archive ({Files(deep1):N0} files) | {day1:0.000} | {day1 / live:0.00}× |");
Console.WriteLine($"| time-shift 1 h, 7-day archive ({Files(deep7):N0} files) | {day7:0.000} | {day7 / live:0.00}× |");
Console.WriteLine($"depth: 7-day / 1-day lookup = {day7 / day1:0.00}× (goal ≈ 1: cost independent of archive depth)");
Console.WriteLine();
Console.WriteLine($"archive write: {mb:0} MB of real 720p TS segments ({files:N0} files of ~{total / files / 1e3:0} kB), {rounds} alternating rounds, medians");
Console.WriteLine("| what | median s | MB/s | vs FileStream copy |");
Console.WriteLine("|---|---:|---:|---:|");
Console.WriteLine($"| one sequential FileStream write | {seq:0.000} | {mb / seq:0} | 1.00× |");
Console.WriteLine($"| cp of one file of the same size | {cp:0.000} | {mb / cp:0} | {seq / cp:0.00}× |");
Console.WriteLine($"| ArchiveWriter buffered (temp + rename per segment) | {arch:0.000} | {mb / arch:0} | {seq / arch:0.00}× |");
var directWall = Median(directRuns.Select(r => r.Wall).ToList());
Console.WriteLine($"| ArchiveWriter direct, the default (to the device, not the page cache) | {directWall:0.000} | {mb / directWall:0} | {seq / directWall:0.00}× |");
Console.WriteLine($"| ArchiveWriter Durable, direct (fsync per segment) | {durable:0.000} | {mb / durable:0} | {seq / durable:0.00}× |");
Console.WriteLine($"goal: ArchiveWriter >= 0.8x the copy: buffered {seq / arch:0.00}x vs FileStream, {cp / arch:0.00}x vs cp (like for like: both end in the page cache)");
var directCpu = Median(directRuns.Select(r => r.Cpu).ToList());
var bufferedCpu = Median(bufferedRuns.Select(r => r.Cpu).ToList());
Console.WriteLine();
Console.WriteLine("archive write CPU (this process, user + system), same bytes, alternating rounds, medians");
Console.WriteLine("| ArchiveWriter | median wall s | median CPU s | CPU ns per byte | CPU vs buffered |");
Console.WriteLine("|---|---:|---:|---:|---:|");
Console.WriteLine($"| direct (O_DIRECT, the default) | {Median(directRuns.Select(r => r.Wall).ToList()):0.000} | {directCpu:0.000} | {directCpu * 1e9 / total:0.00} | {directCpu / bufferedCpu:0.00}× |");
Console.WriteLine($"| buffered (page cache) | {Median(bufferedRuns.Select(r => r.Wall).ToList()):0.000} | {bufferedCpu:0.000} | {bufferedCpu * 1e9 / total:0.00} | 1.00× |");
return 0;

string Synthetic(string root, int days)
{
    var done = Path.Combine(root, ".complete");
    if (File.Exists(done)) return root;
    if (Directory.Exists(root)) Directory.Delete(root, true);
    Console.WriteLine($"building a {days}-day synthetic archive under {root} (once; cached)");
    var writer = new ArchiveWriter(new ArchiveLayout(root), new ArchiveUsage());
    var bytes = new byte[188];
    bytes[0] = 0x47;
    var watch = Stopwatch.StartNew();
    for (var t = end.AddDays(-days); t < end; t += segment) writer.Write("bench", "main", t, segment, bytes);
    File.WriteAllText(done, "");
    Console.WriteLine($"  {days * 43200:N0} files in {watch.Elapsed.TotalSeconds:0} s");
    return root;
}

static long Files(string root) => (long)(new ArchiveReader(new ArchiveLayout(root)).Scan().Segments.GetValueOrDefault("bench"));

static double Median(List<double> values)
{
    var sorted = values.Order().ToList();
    return sorted[sorted.Count / 2];
}

/// <summary>Keeps the segmenter's output in memory.</summary>
internal sealed class Collect : ISegmentSink
{
    public List<(SegmentInfo Info, byte[] Bytes)> Segments { get; } = [];

    public void OnPart(PartInfo part, ReadOnlySpan<byte> bytes)
    {
    }

    public void OnSegment(SegmentInfo segment, ReadOnlySpan<byte> bytes) => Segments.Add((segment, bytes.ToArray()));
}

/// <summary>A clock that stays where the bench put it.</summary>
internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
