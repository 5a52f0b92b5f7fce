using System.Diagnostics;
using System.Globalization;
using Inspur.Media.Hls;
using Inspur.Media.Segmenting;

namespace Inspur.Media.Tests.Segmenting;

/// <summary>Runs ffmpeg/ffprobe for specs and keeps generated sample streams for the whole test run.</summary>
public static class MediaSamples
{
    private static readonly string Dir = Directory.CreateTempSubdirectory("inspur-media-samples-").FullName;
    private static readonly Dictionary<string, Task<byte[]>> Cache = new();

    /// <summary>H.264 High / AAC TS, 25 fps, a keyframe every <paramref name="gop"/> frames.</summary>
    public static Task<byte[]> H264Aac(int seconds = 10, int gop = 50) =>
        Make($"h264-{seconds}-{gop}", "-f lavfi -i testsrc2=size=320x240:rate=25 -f lavfi -i sine=frequency=1000:sample_rate=48000 " +
                                      $"-t {seconds} -c:v libx264 -preset ultrafast -profile:v high -g {gop} -keyint_min {gop} -sc_threshold 0 -bf 2 " +
                                      "-c:a aac -b:a 64k -f mpegts");

    /// <summary>H.265 TS with audio.</summary>
    public static Task<byte[]> H265Aac(int seconds = 8) =>
        Make($"h265-{seconds}", "-f lavfi -i testsrc2=size=320x240:rate=25 -f lavfi -i sine=frequency=800:sample_rate=48000 " +
                                $"-t {seconds} -c:v libx265 -preset ultrafast -x265-params keyint=50:min-keyint=50:scenecut=0:log-level=error " +
                                "-c:a aac -b:a 64k -f mpegts");

    /// <summary>MPEG-2 video TS (what a broadcast feed often is).</summary>
    public static Task<byte[]> Mpeg2(int seconds = 6) =>
        Make($"mpeg2-{seconds}", "-f lavfi -i testsrc2=size=320x240:rate=25 -f lavfi -i sine=sample_rate=48000 " +
                                 $"-t {seconds} -c:v mpeg2video -g 25 -b:v 1M -c:a mp2 -f mpegts");

    /// <summary>AAC-only TS (a radio channel).</summary>
    public static Task<byte[]> AudioOnly(int seconds = 6) =>
        Make($"audio-{seconds}", $"-f lavfi -i sine=frequency=440:sample_rate=48000 -t {seconds} -c:a aac -b:a 64k -f mpegts");

    private static Task<byte[]> Make(string name, string args)
    {
        lock (Cache)
        {
            if (!Cache.TryGetValue(name, out var task))
            {
                var path = Path.Combine(Dir, name + ".ts");
                task = Task.Run(async () =>
                {
                    var (code, _, err) = await Run("ffmpeg", $"-hide_banner -loglevel error -y {args} {path}");
                    if (code != 0) throw new InvalidOperationException($"ffmpeg failed for {name}: {err}");
                    return await File.ReadAllBytesAsync(path);
                });
                Cache[name] = task;
            }

            return task;
        }
    }

    public static async Task<(int Code, string Out, string Err)> Run(string file, string args)
    {
        var info = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var p = Process.Start(info)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return (p.ExitCode, await stdout, await stderr);
    }

    /// <summary>ffprobe's view of a file's video frames: (key frame?, pts seconds) in presentation order.</summary>
    public static async Task<List<(bool Key, double Pts)>> VideoFrames(string path)
    {
        var (code, output, err) = await Run("ffprobe",
            $"-v error -select_streams v:0 -show_entries frame=key_frame,pts_time -of csv=p=0 {path}");
        if (code != 0) throw new InvalidOperationException($"ffprobe {path}: {err}");
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(','))
            .Where(f => f.Length >= 2 && f[1] != "N/A")
            .Select(f => (f[0] == "1", double.Parse(f[1], CultureInfo.InvariantCulture)))
            .ToList();
    }

    /// <summary>Writes segments to <paramref name="dir"/> with a VOD playlist made by the product's writer; returns its path.</summary>
    public static string WriteVod(string dir, IReadOnlyList<(SegmentInfo Info, byte[] Bytes)> segments)
    {
        Directory.CreateDirectory(dir);
        foreach (var (info, bytes) in segments) File.WriteAllBytes(Path.Combine(dir, $"{info.Sequence}.ts"), bytes);
        var playlist = new MediaPlaylist
        {
            TargetDuration = segments.Max(s => (int)Math.Round(s.Info.Duration.TotalSeconds, MidpointRounding.AwayFromZero)),
            MediaSequence = segments[0].Info.Sequence,
            Type = PlaylistType.Vod,
            EndList = true,
            IndependentSegments = true,
            Segments = segments.Select(s => new HlsSegment($"{s.Info.Sequence}.ts", s.Info.Duration)
            {
                ProgramDateTime = s.Info.ProgramDateTime,
                Discontinuity = s.Info.Discontinuity,
            }).ToList(),
        };
        var path = Path.Combine(dir, "index.m3u8");
        File.WriteAllText(path, PlaylistWriter.Write(playlist));
        return path;
    }
}

/// <summary>Keeps everything a segmenter produced.</summary>
public sealed class CollectingSink : ISegmentSink
{
    public List<(SegmentInfo Info, byte[] Bytes)> Segments { get; } = [];

    public List<(PartInfo Info, byte[] Bytes)> Parts { get; } = [];

    public void OnPart(PartInfo part, ReadOnlySpan<byte> bytes) => Parts.Add((part, bytes.ToArray()));

    public void OnSegment(SegmentInfo segment, ReadOnlySpan<byte> bytes) => Segments.Add((segment, bytes.ToArray()));

    /// <summary>Runs a segmenter over <paramref name="ts"/> in chunks of <paramref name="chunk"/> bytes.</summary>
    public static (CollectingSink Sink, Segmenter Segmenter) Run(ReadOnlySpan<byte> ts, SegmenterOptions options, int chunk = 65536)
    {
        var sink = new CollectingSink();
        var segmenter = new Segmenter(options, sink);
        for (var i = 0; i < ts.Length; i += chunk) segmenter.Push(ts.Slice(i, Math.Min(chunk, ts.Length - i)));
        segmenter.Complete();
        return (sink, segmenter);
    }
}
