using System.Globalization;
using Inspur.Media.Codecs;

namespace Inspur.Media.Tests.Codecs;

public sealed class H264SpsSpecs
{
    private static readonly Dictionary<string, int> ProfileIdcs = new()
    {
        ["Baseline"] = 66,
        ["Constrained Baseline"] = 66,
        ["Main"] = 77,
        ["High"] = 100,
        ["High 10"] = 110,
        ["High 4:2:2"] = 122,
        ["High 4:4:4 Predictive"] = 244,
    };

    internal static Task<Sample> High() => CodecSamples.H264("h264-high", "640x360", "25", "-preset veryfast -profile:v high");

    internal static byte[] FirstSps(Sample sample) => CodecSamples.FirstNal(sample.Bytes, b => H264.NalType(b) == H264.Sps);

    [Theory]
    [InlineData("h264-high", "640x360", "25", "-preset veryfast -profile:v high", 1, 8)]
    [InlineData("h264-main-odd", "642x362", "30000/1001", "-preset veryfast -profile:v main", 1, 8)]
    [InlineData("h264-baseline", "320x240", "25", "-profile:v baseline", 1, 8)]
    [InlineData("h264-422-10bit", "642x362", "50", "-preset veryfast -pix_fmt yuv422p10le", 2, 10)]
    [InlineData("h264-444", "322x242", "24", "-preset veryfast -pix_fmt yuv444p", 3, 8)]
    [InlineData("h264-interlaced", "640x360", "25", "-preset veryfast -flags +ildct+ilme -x264-params interlaced=1", 1, 8)]
    public async Task Sps_of_an_x264_stream_says_what_ffprobe_says(string name, string size, string rate, string options, int chroma, int bitDepth)
    {
        var sample = await CodecSamples.H264(name, size, rate, options);
        var probe = await CodecSamples.Stream(sample.Path, "profile,level,width,height,r_frame_rate,bits_per_raw_sample,field_order");
        var nal = FirstSps(sample);

        Assert.True(H264SpsParser.TryParse(nal, out var sps));

        Assert.Equal($"{probe["width"]}x{probe["height"]}", $"{sps.Width}x{sps.Height}");
        Assert.Equal(size, $"{sps.Width}x{sps.Height}");
        Assert.Equal(ProfileIdcs[probe["profile"]], sps.ProfileIdc);
        Assert.Equal(int.Parse(probe["level"], CultureInfo.InvariantCulture), sps.LevelIdc);
        Assert.Equal(int.Parse(probe["bits_per_raw_sample"], CultureInfo.InvariantCulture), sps.BitDepthLuma);
        Assert.Equal(bitDepth, sps.BitDepthChroma);
        Assert.Equal(chroma, sps.ChromaFormatIdc);
        Assert.Equal(Rate(probe["r_frame_rate"]), sps.FrameRate!.Value, 6);
        Assert.Equal(Rate(rate), sps.FrameRate!.Value, 6);
        Assert.Equal(probe["field_order"] == "progressive", sps.FrameMbsOnly);
        Assert.Equal($"avc1.{nal[1]:x2}{nal[2]:x2}{nal[3]:x2}", sps.CodecString);
        Assert.Equal(sps.CodecString, sps.ToVideoParameters().CodecString);
        Assert.True(sps.CodedWidth % 16 == 0 && sps.CodedWidth - sps.Width < 16);
    }

    [Fact]
    public async Task Baseline_codec_string_carries_the_constraint_flags()
    {
        var sample = await CodecSamples.H264("h264-baseline", "320x240", "25", "-profile:v baseline");

        Assert.True(H264SpsParser.TryParse(FirstSps(sample), out var sps));

        Assert.Equal("avc1.42c00d", sps.CodecString);
        Assert.Equal(0xC0, sps.ConstraintFlags);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Scaling_matrices_in_the_sps_are_skipped_exactly(bool chroma444)
    {
        var sample = chroma444
            ? await CodecSamples.H264("h264-444", "322x242", "24", "-preset veryfast -pix_fmt yuv444p")
            : await High();
        var original = FirstSps(sample);
        Assert.True(H264SpsParser.TryParse(original, out var expected));
        var withMatrices = WithScalingMatrices(original, chroma444 ? 12 : 8);

        Assert.True(H264SpsParser.TryParse(withMatrices, out var sps));

        Assert.Equal(expected, sps);

        // ffmpeg's own parser reads the same SPS, and a stream carrying it still decodes.
        var stream = Splice(sample.Bytes, original, withMatrices);
        var (fields, errors) = await CodecSamples.TraceHeaders(stream, "h264");
        Assert.Empty(errors);
        Assert.Equal(1, fields["seq_scaling_matrix_present_flag"]);
        Assert.Equal(sps.CodedWidth / 16 - 1, fields["pic_width_in_mbs_minus1"]);
        Assert.Equal(sps.TimeScale, fields["time_scale"]);
        var path = sample.Path + $".matrices{chroma444}.h264";
        await File.WriteAllBytesAsync(path, stream);
        var (code, _, err) = await Segmenting.MediaSamples.Run("ffmpeg", $"-v error -xerror -i {path} -f null -");
        Assert.True(code == 0 && err.Length == 0, err);
    }

    /// <summary>The SPS with seq_scaling_matrix_present_flag set and lists written (some absent, one "use default", one cut short).</summary>
    internal static byte[] WithScalingMatrices(byte[] nal, int lists)
    {
        var rbsp = CodecSamples.Unescape(nal)[1..];
        var r = new BitReader(rbsp);
        r.Skip(24);
        r.ReadUe();
        if (r.ReadUe() == 3) r.Skip(1);
        r.ReadUe();
        r.ReadUe();
        r.Skip(1);
        var flagAt = r.Position;
        Assert.False(r.ReadFlag()); // x264 never writes SPS matrices itself

        var w = new BitWriter().Copy(rbsp, 0, flagAt).Flag(true);
        for (var i = 0; i < lists; i++)
        {
            var present = i % 3 != 2;
            w.Flag(present);
            if (!present) continue;
            var size = i < 6 ? 16 : 64;
            var last = 8;
            for (var j = 0; j < size; j++)
            {
                var next = i == 1 && j == 0 ? 0 : i == 4 && j == 5 ? 0 : 4 + (j * 37 + i * 11) % 200;
                w.Se((next - last + 384) % 256 - 128);
                if (next == 0) break;
                last = next;
            }
        }

        var stop = rbsp.Length * 8 - 1;
        while (((rbsp[stop >> 3] >> (7 - (stop & 7))) & 1) == 0) stop--;
        return w.Copy(rbsp, flagAt + 1, stop).Nal(nal[0]);
    }

    private static byte[] Splice(byte[] stream, byte[] oldNal, byte[] newNal)
    {
        var at = stream.AsSpan().IndexOf(oldNal);
        return [.. stream[..at], .. newNal, .. stream[(at + oldNal.Length)..]];
    }

    [Fact]
    public void Monochrome_sps_built_from_the_standard_crops_in_whole_samples()
    {
        // High profile, 4:0:0, 8 bit, POC type 2, 21x16 MBs (336x256) cropped to 330x250, VUI with SAR 16:11 and 50 Hz ticks.
        var w = new BitWriter().U(8, 100).U(8, 0).U(8, 30).Ue(0)
            .Ue(0).Ue(0).Ue(0).Flag(false).Flag(false)
            .Ue(0).Ue(2).Ue(1).Flag(false).Ue(20).Ue(15).Flag(true).Flag(true)
            .Flag(true).Ue(1).Ue(5).Ue(2).Ue(4)
            .Flag(true).Flag(true).U(8, 4).Flag(false).Flag(false).Flag(false)
            .Flag(true).U(32, 1).U(32, 50).Flag(true).Flag(false).Flag(false).Flag(false).Flag(false);

        Assert.True(H264SpsParser.TryParse(w.Nal(0x67), out var sps));

        Assert.Equal(0, sps.ChromaFormatIdc);
        Assert.Equal((336, 256), (sps.CodedWidth, sps.CodedHeight));
        Assert.Equal((330, 250), (sps.Width, sps.Height));
        Assert.Equal((16, 11), sps.SampleAspectRatio);
        Assert.Equal(25.0, sps.FrameRate);
        Assert.True(sps.FixedFrameRate);
        Assert.Equal("avc1.64001e", sps.CodecString);
    }

    [Fact]
    public void Timing_values_that_need_emulation_prevention_are_read_through_it()
    {
        // Baseline, 20x15 MBs, num_units_in_tick 1: its 31 zero bits hold three zero bytes, which forces a 03 into the NAL.
        var w = new BitWriter().U(8, 66).U(8, 0xC0).U(8, 21).Ue(0)
            .Ue(0).Ue(0).Ue(0).Ue(1).Flag(false).Ue(19).Ue(14).Flag(true).Flag(true).Flag(false)
            .Flag(true).Flag(false).Flag(false).Flag(false).Flag(false)
            .Flag(true).U(32, 1).U(32, 48).Flag(false).Flag(false).Flag(false).Flag(false).Flag(false);
        var nal = w.Nal(0x67);
        Assert.True(nal.AsSpan().IndexOf((ReadOnlySpan<byte>)[0, 0, 3]) >= 0);

        Assert.True(H264SpsParser.TryParse(nal, out var sps));

        Assert.Equal((320, 240), (sps.Width, sps.Height));
        Assert.Equal((1u, 48u), (sps.NumUnitsInTick, sps.TimeScale));
        Assert.Equal(24.0, sps.FrameRate);
    }

    [Fact]
    public void Without_vui_timing_the_frame_rate_is_unknown()
    {
        var w = new BitWriter().U(8, 77).U(8, 0x40).U(8, 30).Ue(0)
            .Ue(0).Ue(0).Ue(0).Ue(3).Flag(false).Ue(39).Ue(29).Flag(true).Flag(true).Flag(false).Flag(false);

        Assert.True(H264SpsParser.TryParse(w.Nal(0x67), out var sps));

        Assert.Equal((640, 480), (sps.Width, sps.Height));
        Assert.Null(sps.FrameRate);
        Assert.Equal(0u, sps.NumUnitsInTick);
    }

    [Fact]
    public async Task Every_prefix_of_a_real_sps_is_refused_or_parses_to_the_same_values()
    {
        var nal = FirstSps(await High());
        Assert.True(H264SpsParser.TryParse(nal, out var full));

        var refused = 0;
        for (var length = 0; length < nal.Length; length++)
        {
            if (H264SpsParser.TryParse(nal.AsSpan(0, length), out var partial)) Assert.Equal(full, partial);
            else refused++;
        }

        Assert.True(refused >= 15, $"only {refused} prefixes refused");
        Assert.False(H264SpsParser.TryParse(nal.AsSpan(0, 12), out _));
    }

    [Theory]
    [InlineData("")]
    [InlineData("67")]
    [InlineData("67 64 00")]
    [InlineData("68 EB E3 CB 22 C0")]
    [InlineData("E7 64 00 1E AC D9 40 A0")]
    [InlineData("67 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00")]
    [InlineData("67 FF FF FF FF FF FF FF FF FF FF FF FF FF FF FF")]
    [InlineData("67 64 00 1E 00 00 00 00 00 00 00 00 00 00 00")]
    public void Bad_input_is_refused_without_throwing(string hex)
    {
        Assert.False(H264SpsParser.TryParse(BitReaderSpecs.Hex(hex), out _));
        Assert.False(H264Sps.TryParse(BitReaderSpecs.Hex(hex), out VideoParameters _));
    }

    [Fact]
    public async Task The_video_parameters_view_matches_the_full_parse()
    {
        var nal = FirstSps(await High());

        Assert.True(H264Sps.TryParse(nal, out VideoParameters parameters));

        Assert.Equal(new VideoParameters("h264", "avc1.64001e", 640, 360, 100, 30), parameters);
    }

    internal static double Rate(string text)
    {
        var parts = text.Split('/');
        return double.Parse(parts[0], CultureInfo.InvariantCulture) / (parts.Length > 1 ? double.Parse(parts[1], CultureInfo.InvariantCulture) : 1);
    }
}
