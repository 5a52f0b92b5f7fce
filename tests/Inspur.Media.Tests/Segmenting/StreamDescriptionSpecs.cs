using System.Text.RegularExpressions;
using Inspur.Media.Segmenting;

namespace Inspur.Media.Tests.Segmenting;

/// <summary>Codec strings, sizes and rates the segmenter reports, against ffmpeg's own HLS master playlist and ffprobe.</summary>
public sealed partial class StreamDescriptionSpecs
{
    private static async Task<(byte[] Ts, string FfmpegCodecs, Dictionary<string, string> Probe)> Make(string name, string input, string codecs)
    {
        var dir = Directory.CreateTempSubdirectory($"inspur-desc-{name}-").FullName;
        // ffmpeg writes CODECS only when it encodes, so encode straight to HLS and test the TS its segments form.
        var (code, _, err) = await MediaSamples.Run("ffmpeg",
            $"-hide_banner -loglevel error -y {input} -t 3 {codecs} -f hls -hls_time 1 -hls_playlist_type vod -master_pl_name master.m3u8 {Path.Combine(dir, "out.m3u8")}");
        Assert.True(code == 0, err);
        var ts = Path.Combine(dir, "in.ts");
        var segments = Directory.GetFiles(dir, "out*.ts").OrderBy(f => int.Parse(Path.GetFileNameWithoutExtension(f)[3..])).ToList();
        await File.WriteAllBytesAsync(ts, segments.SelectMany(File.ReadAllBytes).ToArray());
        var master = await File.ReadAllTextAsync(Path.Combine(dir, "master.m3u8"));
        var codecsMatch = CodecsAttribute().Match(master);
        var (_, probe, _) = await MediaSamples.Run("ffprobe", $"-v error -show_entries stream=codec_type,width,height,sample_rate,channels,level,profile -of flat {ts}");
        var values = probe.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split('=', 2)).Where(p => p.Length == 2)
            .ToDictionary(p => p[0], p => p[1].Trim('"'));
        return (await File.ReadAllBytesAsync(ts), codecsMatch.Success ? codecsMatch.Groups[1].Value : "", values);
    }

    private static StreamDescription Describe(byte[] ts)
    {
        var (_, segmenter) = CollectingSink.Run(ts, new SegmenterOptions());
        return segmenter.Description!;
    }

    [Theory]
    [InlineData("high", "-profile:v high", "320x240", "25", 48000, 2)]
    [InlineData("main", "-profile:v main", "642x362", "30000/1001", 44100, 1)]
    [InlineData("baseline", "-profile:v baseline", "1280x720", "50", 48000, 2)]
    public async Task H264_and_aac_match_what_ffmpeg_and_ffprobe_say(string name, string profile, string size, string rate, int sampleRate, int channels)
    {
        var (ts, ffmpegCodecs, probe) = await Make(name,
            $"-f lavfi -i testsrc2=size={size}:rate={rate} -f lavfi -i sine=sample_rate={sampleRate}",
            $"-c:v libx264 -preset ultrafast {profile} -c:a aac -ac {channels}");

        var d = Describe(ts);

        Assert.NotEmpty(ffmpegCodecs);
        Assert.Equal(ffmpegCodecs, d.Codecs);
        Assert.Equal(size, d.Video!.Resolution);
        Assert.Equal(sampleRate, d.Audio!.SampleRate);
        Assert.Equal(channels, d.Audio.Channels);
        var expectedRate = rate.Contains('/') ? 30000 / 1001.0 : double.Parse(rate);
        Assert.Equal(expectedRate, d.FrameRate!.Value, 2);
        Assert.Null(d.TranscodeReason);
    }

    [Fact]
    public async Task H265_codec_string_carries_profile_tier_and_level()
    {
        var (ts, _, probe) = await Make("hevc", "-f lavfi -i testsrc2=size=640x360:rate=25",
            "-c:v libx265 -preset ultrafast -x265-params log-level=error");

        var d = Describe(ts);

        Assert.Equal("640x360", d.Video!.Resolution);
        Assert.Matches(@"^hvc1\.1\.6\.L\d+(\.[0-9A-F]{2})+$", d.Video.CodecString);
        Assert.Equal($"L{probe["streams.stream.0.level"]}", d.Video.CodecString.Split('.')[3]);
        Assert.Equal(25.0, d.FrameRate!.Value, 2);
        Assert.Null(d.Audio);
    }

    [Fact]
    public async Task Mpeg2_video_and_mp2_audio_must_be_transcoded()
    {
        var (ts, _, _) = await Make("mpeg2", "-f lavfi -i testsrc2=size=720x576:rate=25 -f lavfi -i sine=sample_rate=48000",
            "-c:v mpeg2video -c:a mp2");

        var d = Describe(ts);

        Assert.Equal("720x576", d.Video!.Resolution);
        Assert.Equal("mpeg2video", d.Video.Codec);
        Assert.Contains("MPEG-2", d.TranscodeReason);
    }

    [Fact]
    public async Task Aac_with_mp2_audio_alone_is_flagged_for_audio_transcode()
    {
        var (ts, _, _) = await Make("mp2", "-f lavfi -i testsrc2=size=320x240:rate=25 -f lavfi -i sine", "-c:v libx264 -preset ultrafast -c:a mp2");

        Assert.Contains("layer II", Describe(ts).TranscodeReason);
    }

    [GeneratedRegex("CODECS=\"([^\"]+)\"")]
    private static partial Regex CodecsAttribute();
}
