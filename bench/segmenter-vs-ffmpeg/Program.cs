using System.Diagnostics;
using System.Globalization;
using System.Text;
using Inspur.Media.Segmenting;

// Times ffmpeg's HLS muxer (-c copy -f hls -hls_time 2) and our segmenter over the same TS file, alternating rounds in
// one run, both writing segments and a playlist to disk; prints the throughput ratio ours/ffmpeg and our memory use.
if (args.Length < 1 || !File.Exists(args[0]))
{
    Console.Error.WriteLine("usage: SegmenterVsFfmpeg <input.ts> [rounds=3]");
    return 2;
}

var input = args[0];
var rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3;
var bytes = new FileInfo(input).Length;
var mb = bytes / 1e6;
var work = Environment.GetEnvironmentVariable("INSPUR_BENCH_OUT") is { Length: > 0 } outRoot
    ? Directory.CreateDirectory(Path.Combine(outRoot, $"segmenter-bench-{Guid.NewGuid():N}")).FullName
    : Directory.CreateTempSubdirectory("segmenter-bench-").FullName;
Console.WriteLine($"input {input}: {mb:0.0} MB; {rounds} rounds each, alternating; output under {work}");

using (var warm = File.OpenRead(input)) // warm the page cache for both, without holding the file in memory
{
    var scratch = new byte[1 << 20];
    while (warm.Read(scratch, 0, scratch.Length) > 0)
    {
    }
}

Ours(input, Path.Combine(work, "warmup")); // JIT warm-up, not timed

// Each run's output is deleted right after it is counted: a VM that backs guest memory lazily makes writing into fresh
// pages ever slower otherwise, for both tools alike, and the benchmark would measure the host, not the muxers.
var ffmpegTimes = new List<double>();
var ourTimes = new List<double>();
long allocated = 0;
int segments = 0, ffSegments = 0;
Directory.Delete(Path.Combine(work, "warmup"), true);
for (var r = 0; r < rounds; r++)
{
    var ffDir = Path.Combine(work, $"ffmpeg-{r}");
    ffmpegTimes.Add(Ffmpeg(input, ffDir));
    ffSegments = Directory.GetFiles(ffDir, "*.ts").Length;
    Directory.Delete(ffDir, true);

    var ourDir = Path.Combine(work, $"ours-{r}");
    var before = GC.GetTotalAllocatedBytes(true);
    ourTimes.Add(Ours(input, ourDir).Seconds);
    allocated = GC.GetTotalAllocatedBytes(true) - before;
    segments = Directory.GetFiles(ourDir, "*.ts").Length;
    Directory.Delete(ourDir, true);
}

var ffmpeg = Median(ffmpegTimes);
var ours = Median(ourTimes);
Console.WriteLine($"ffmpeg  : median {ffmpeg:0.000} s  ({mb / ffmpeg:0} MB/s), {ffSegments} segments");
Console.WriteLine($"ours    : median {ours:0.000} s  ({mb / ours:0} MB/s), {segments} segments");
Console.WriteLine($"ratio   : ours/ffmpeg throughput = {ffmpeg / ours:0.00}x  (goal >= 2)");
Console.WriteLine($"memory  : {allocated / mb / 1024:0.0} KiB allocated per input MB; peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1e6:0} MB");
Directory.Delete(work, true);
return 0;

static double Median(List<double> values)
{
    var sorted = values.Order().ToList();
    return sorted[sorted.Count / 2];
}

static double Ffmpeg(string input, string dir)
{
    Directory.CreateDirectory(dir);
    var info = new ProcessStartInfo("ffmpeg")
    {
        ArgumentList =
        {
            "-hide_banner", "-loglevel", "error", "-y", "-i", input, "-map", "0", "-c", "copy", "-f", "hls", "-hls_time", "2",
            "-hls_list_size", "0", "-hls_playlist_type", "vod", "-hls_segment_filename", Path.Combine(dir, "%d.ts"), Path.Combine(dir, "index.m3u8"),
        },
        RedirectStandardError = true,
    };
    var watch = Stopwatch.StartNew();
    using var p = Process.Start(info)!;
    var err = p.StandardError.ReadToEnd();
    p.WaitForExit();
    watch.Stop();
    if (p.ExitCode != 0) throw new InvalidOperationException($"ffmpeg failed: {err}");
    return watch.Elapsed.TotalSeconds;
}

static (double Seconds, int Segments) Ours(string input, string dir)
{
    Directory.CreateDirectory(dir);
    var watch = Stopwatch.StartNew();
    var sink = new DiskSink(dir);
    using (var segmenter = new Segmenter(new SegmenterOptions { TargetDuration = TimeSpan.FromSeconds(2) }, sink))
    using (var file = new FileStream(input, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan))
    {
        var buffer = new byte[1 << 20];
        int read;
        while ((read = file.Read(buffer, 0, buffer.Length)) > 0) segmenter.Push(buffer.AsSpan(0, read));
        segmenter.Complete();
    }

    sink.WritePlaylist();
    watch.Stop();
    return (watch.Elapsed.TotalSeconds, sink.Count);
}

/// <summary>Writes each segment to its own file, as the archive and ffmpeg's muxer do.</summary>
internal sealed class DiskSink(string dir) : ISegmentSink
{
    private readonly StringBuilder _playlist = new("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n#EXT-X-PLAYLIST-TYPE:VOD\n");

    public int Count { get; private set; }

    public void OnPart(PartInfo part, ReadOnlySpan<byte> bytes)
    {
    }

    public void OnSegment(SegmentInfo segment, ReadOnlySpan<byte> bytes)
    {
        var name = $"{segment.Sequence}.ts";
        using (var file = new FileStream(Path.Combine(dir, name), FileMode.Create, FileAccess.Write, FileShare.None, 1))
            file.Write(bytes);
        _playlist.Append(CultureInfo.InvariantCulture, $"#EXTINF:{segment.Duration.TotalSeconds:0.000},\n{name}\n");
        Count++;
    }

    public void WritePlaylist() => File.WriteAllText(Path.Combine(dir, "index.m3u8"), _playlist.Append("#EXT-X-ENDLIST\n").ToString());
}
