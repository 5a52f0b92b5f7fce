using System.Globalization;

namespace Inspur.Media.Ffmpeg;

/// <summary>One rung of an ABR ladder.</summary>
public sealed record Rendition(string Name, int Width, int Height, int VideoKbps, int AudioKbps = 128)
{
    public string Profile { get; init; } = "high";

    /// <summary>Peak rate for VBV; defaults to 1.1 × the target.</summary>
    public int? MaxKbps { get; init; }

    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Name) || Name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_')))
            throw new ArgumentException($"rendition name '{Name}' must be letters, digits, - or _", nameof(Name));
        if (Width <= 0 || Height <= 0) throw new ArgumentOutOfRangeException(nameof(Width), $"rendition {Name}: size {Width}x{Height} must be positive");
        if (Width % 2 != 0 || Height % 2 != 0) throw new ArgumentException($"rendition {Name}: {Width}x{Height} must be even for yuv420p", nameof(Width));
        if (VideoKbps <= 0) throw new ArgumentOutOfRangeException(nameof(VideoKbps), $"rendition {Name}: video bitrate must be positive");
        if (AudioKbps <= 0) throw new ArgumentOutOfRangeException(nameof(AudioKbps), $"rendition {Name}: audio bitrate must be positive");
        if (MaxKbps is { } max && max < VideoKbps) throw new ArgumentOutOfRangeException(nameof(MaxKbps), $"rendition {Name}: max rate below the target");
        if (Profile is not ("baseline" or "main" or "high")) throw new ArgumentException($"rendition {Name}: profile '{Profile}' is not baseline, main or high", nameof(Profile));
    }
}

/// <summary>
/// ffmpeg argument lists for the platform's transcodes: any input (MPEG-2, MP4, …) to H.264/AAC MPEG-TS, and ABR
/// ladders in one process whose renditions share keyframe times (fixed GOP = segment duration × frame rate, no scene
/// cuts, forced keyframes on the segment grid, the same B-frame count), so players switch cleanly at segment boundaries.
/// </summary>
public static class TranscodeProfiles
{
    public static readonly IReadOnlyList<Rendition> DefaultLadder =
    [
        new("1080p", 1920, 1080, 5000),
        new("720p", 1280, 720, 3000),
        new("480p", 854, 480, 1200) { Profile = "main" },
        new("360p", 640, 360, 700) { Profile = "main", AudioKbps = 96 },
    ];

    /// <summary>One output: <paramref name="input"/> to H.264/AAC TS at <paramref name="output"/> (a URL, a file or <c>pipe:1</c>).</summary>
    public static FfmpegJob ToH264(string input, string output, Rendition rendition, double frameRate, TimeSpan segment) =>
        Ladder(input, [(rendition, output)], frameRate, segment);

    /// <summary>A ladder in one ffmpeg process: one decode, a split, a scale and an encode per rendition.</summary>
    public static FfmpegJob Ladder(string input, IReadOnlyList<(Rendition Rendition, string Output)> outputs, double frameRate, TimeSpan segment)
    {
        if (outputs.Count == 0) throw new ArgumentException("the ladder is empty", nameof(outputs));
        foreach (var (r, o) in outputs)
        {
            r.Validate();
            if (string.IsNullOrWhiteSpace(o)) throw new ArgumentException($"rendition {r.Name}: output is empty", nameof(outputs));
        }

        if (outputs.Select(o => o.Rendition.Name).Distinct().Count() != outputs.Count) throw new ArgumentException("rendition names must be unique", nameof(outputs));
        if (frameRate is <= 0 or > 120) throw new ArgumentOutOfRangeException(nameof(frameRate), frameRate, "frame rate must be 0–120");
        if (segment < TimeSpan.FromMilliseconds(500)) throw new ArgumentOutOfRangeException(nameof(segment), segment, "segment at least 0.5 s");

        var inv = CultureInfo.InvariantCulture;
        var gop = Math.Max(1, (int)Math.Round(segment.TotalSeconds * frameRate));
        var seconds = segment.TotalSeconds.ToString("0.###", inv);
        var fps = frameRate.ToString("0.###", inv);
        // B-frame reordering shifts timestamps, so every rung uses the same count or keyframe PTS drift apart across
        // variants (measured: 59 ms between a baseline rung and B-frame rungs). Baseline cannot have B-frames.
        var bframes = outputs.Any(o => o.Rendition.Profile == "baseline") ? "0" : "2";
        var args = new List<string> { "-y", "-fflags", "+genpts", "-i", input };
        var split = string.Join("", outputs.Select((_, i) => $"[s{i}]"));
        var scales = string.Join(";", outputs.Select((o, i) =>
            $"[s{i}]scale={o.Rendition.Width}:{o.Rendition.Height}:force_original_aspect_ratio=decrease,pad={o.Rendition.Width}:{o.Rendition.Height}:(ow-iw)/2:(oh-ih)/2,setsar=1,fps={fps}[v{i}]"));
        args.AddRange(["-filter_complex", $"[0:v:0]split={outputs.Count}{split};{scales}"]);
        for (var i = 0; i < outputs.Count; i++)
        {
            var (r, output) = outputs[i];
            var max = r.MaxKbps ?? r.VideoKbps * 11 / 10;
            args.AddRange(["-map", $"[v{i}]", "-map", "0:a:0?",
                "-c:v", "libx264", "-preset", "veryfast", "-profile:v", r.Profile, "-pix_fmt", "yuv420p",
                "-b:v", $"{r.VideoKbps}k", "-maxrate", $"{max}k", "-bufsize", $"{max * 2}k",
                "-g", gop.ToString(inv), "-keyint_min", gop.ToString(inv), "-sc_threshold", "0", "-bf", bframes,
                "-force_key_frames", $"expr:gte(t,n_forced*{seconds})",
                "-c:a", "aac", "-b:a", $"{r.AudioKbps}k", "-ac", "2",
                "-f", "mpegts", "-mpegts_flags", "+resend_headers", output]);
        }

        return new FfmpegJob(args) { PipeInput = input == "pipe:0", PipeOutput = outputs.Any(o => o.Output == "pipe:1") };
    }
}
