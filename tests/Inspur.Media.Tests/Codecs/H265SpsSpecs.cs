using System.Buffers.Binary;
using System.Globalization;
using Inspur.Media.Codecs;
using static Inspur.Media.Tests.Codecs.BitReaderSpecs;

namespace Inspur.Media.Tests.Codecs;

public sealed class H265SpsSpecs
{
    /// <summary>The SPS x265 3.5 writes for 642x362 Main at 25 fps (kept as bytes so this spec needs no encoder).</summary>
    internal const string X265Sps642X362 =
        "42 01 01 01 60 00 00 03 00 90 00 00 03 00 00 03 00 3F A0 05 12 01 71 C9 26 59 59 A4 93 2B C0 5A 02 00 00 03 00 02 00 00 03 00 32 10";

    private static readonly Dictionary<string, int> ProfileIdcs = new() { ["Main"] = 1, ["Main 10"] = 2, ["Main Still Picture"] = 3, ["Rext"] = 4 };

    private static byte[] FirstSps(Sample sample) => CodecSamples.FirstNal(sample.Bytes, b => H265.NalType(b) == H265.Sps);

    [Fact]
    public void A_captured_x265_sps_parses_to_its_known_values()
    {
        Assert.True(H265SpsParser.TryParse(Hex(X265Sps642X362), out var sps));

        Assert.Equal((642, 362), (sps.Width, sps.Height));
        Assert.Equal((648, 368), (sps.CodedWidth, sps.CodedHeight));
        Assert.Equal((0, false, 1, 63), (sps.GeneralProfileSpace, sps.GeneralTierFlag, sps.GeneralProfileIdc, sps.GeneralLevelIdc));
        Assert.Equal(0x60000000u, sps.GeneralProfileCompatibilityFlags);
        Assert.Equal((1, 8, 8, 1), (sps.ChromaFormatIdc, sps.BitDepthLuma, sps.BitDepthChroma, sps.MaxSubLayers));
        Assert.Equal(25.0, sps.FrameRate);
        Assert.Equal("hvc1.1.6.L63.90", sps.CodecString);
    }

    [Fact]
    public async Task An_sps_built_from_the_standard_with_sub_layers_matrices_pcm_and_predicted_reference_sets_parses_as_ffmpeg_reads_it()
    {
        var nal = SpecSps();

        Assert.True(H265SpsParser.TryParse(nal, out var sps));

        Assert.Equal((1920, 1080, 1920, 1088), (sps.Width, sps.Height, sps.CodedWidth, sps.CodedHeight));
        Assert.Equal((0, true, 2, 120, 3), (sps.GeneralProfileSpace, sps.GeneralTierFlag, sps.GeneralProfileIdc, sps.GeneralLevelIdc, sps.MaxSubLayers));
        Assert.Equal(0x9000_0000_0000UL, sps.GeneralConstraintIndicatorFlags);
        Assert.Equal((10, 10), (sps.BitDepthLuma, sps.BitDepthChroma));
        Assert.Equal((4, 3), sps.SampleAspectRatio);
        Assert.Equal((1001u, 60000u), (sps.NumUnitsInTick, sps.TimeScale));
        Assert.Equal(60000 / 1001.0, sps.FrameRate!.Value, 9);
        Assert.Equal("hvc1.2.6.H120.90", sps.CodecString);

        // ffmpeg's own H.265 syntax reader walks the same bits to the same end.
        var (fields, errors) = await CodecSamples.TraceHeaders([0, 0, 0, 1, .. SpecVps(), 0, 0, 0, 1, .. nal], "hevc");
        Assert.Empty(errors);
        Assert.Equal(4, fields["num_short_term_ref_pic_sets"]);
        Assert.Equal(1920, fields["pic_width_in_luma_samples"]);
        Assert.Equal(60000, fields["vui_time_scale"]);
        Assert.Equal(0, fields["sps_extension_present_flag"]);
    }

    /// <summary>
    /// Main 10, High tier, three temporal sub-layers with sub-layer profile/level, explicit scaling lists, PCM, four
    /// short-term reference sets of which three are predicted (one prediction yields a dPoc of 0, which must not count),
    /// long-term references, and a VUI with extended SAR, colour description, display window and 1001/60000 timing.
    /// </summary>
    internal static byte[] SpecSps()
    {
        var w = new BitWriter().U(4, 0).U(3, 2).U(1, 0);
        SpecProfileTierLevel(w);
        w.Ue(0).Ue(1).Ue(1920).Ue(1088).Flag(true).Ue(0).Ue(0).Ue(0).Ue(4);
        w.Ue(2).Ue(2).Ue(4).Flag(true);
        for (var i = 0; i < 3; i++) w.Ue(4).Ue(2).Ue(0);
        w.Ue(0).Ue(3).Ue(0).Ue(3).Ue(1).Ue(1);
        w.Flag(true).Flag(true);
        for (var sizeId = 0; sizeId < 4; sizeId++)
        {
            for (var matrixId = 0; matrixId < 6; matrixId += sizeId == 3 ? 3 : 1)
            {
                var explicitList = (sizeId + matrixId) % 2 == 0;
                w.Flag(explicitList);
                if (!explicitList)
                {
                    w.Ue(matrixId == 0 ? 0u : 1u);
                    continue;
                }

                if (sizeId > 1) w.Se(8 + matrixId);
                for (var i = 0; i < Math.Min(64, 1 << (4 + (sizeId << 1))); i++) w.Se((i * 5 + matrixId) % 15 - 7);
            }
        }

        w.Flag(true).Flag(true).Flag(true).U(4, 7).U(4, 7).Ue(0).Ue(1).Flag(true);
        w.Ue(4);
        w.Ue(2).Ue(1).Ue(0).Flag(true).Ue(1).Flag(true).Ue(1).Flag(false);
        w.Flag(true).Flag(true).Ue(0).Flag(true).Flag(false).Flag(true).Flag(false).Flag(false).Flag(true);
        w.Flag(true).Flag(false).Ue(1).Flag(true).Flag(true).Flag(true).Flag(true);
        w.Flag(true).Flag(true).Ue(0).Flag(true).Flag(true).Flag(true).Flag(true);
        w.Flag(true).Ue(2).U(8, 17).Flag(true).U(8, 200).Flag(false);
        w.Flag(true).Flag(true);
        w.Flag(true).Flag(true).U(8, 255).U(16, 4).U(16, 3).Flag(false).Flag(true).U(3, 5).Flag(false).Flag(true).U(24, 0x010101)
            .Flag(true).Ue(0).Ue(0).Flag(false).Flag(false).Flag(false).Flag(true).Ue(0).Ue(0).Ue(0).Ue(0)
            .Flag(true).U(32, 1001).U(32, 60000).Flag(false).Flag(false).Flag(false);
        w.Flag(false);
        return w.Nal(0x42, 0x01);
    }

    /// <summary>profile_tier_level(1, 2) of <see cref="SpecSps"/>: general Main 10 High tier 4.0, sub-layer 0 with profile and level, sub-layer 1 with level.</summary>
    private static void SpecProfileTierLevel(BitWriter w)
    {
        w.U(2, 0).U(1, 1).U(5, 2).U(32, 0x6000_0000).U(4, 0b1001).U(43, 0).U(1, 0).U(8, 120);
        w.Flag(true).Flag(true).Flag(false).Flag(true).U(12, 0);
        w.U(2, 0).U(1, 0).U(5, 2).U(32, 0x2000_0000).U(4, 0b1001).U(43, 0).U(1, 0).U(8, 90);
        w.U(8, 93);
    }

    /// <summary>A video parameter set that <see cref="SpecSps"/> can refer to (three sub-layers, one layer set, no timing).</summary>
    private static byte[] SpecVps()
    {
        var w = new BitWriter().U(4, 0).Flag(true).Flag(true).U(6, 0).U(3, 2).Flag(false).U(16, 0xFFFF);
        SpecProfileTierLevel(w);
        w.Flag(true);
        for (var i = 0; i < 3; i++) w.Ue(4).Ue(2).Ue(0);
        w.U(6, 0).Ue(0).Flag(false).Flag(false);
        return w.Nal(0x40, 0x01);
    }

    [Theory]
    [InlineData("hevc-main", "640x360", "25", "keyint=12:temporal-layers=1", "", 1, 8)]
    [InlineData("hevc-main10-odd", "642x362", "30000/1001", "keyint=12", "-pix_fmt yuv420p10le", 1, 10)]
    [InlineData("hevc-444", "320x240", "24", "keyint=12", "-pix_fmt yuv444p", 3, 8)]
    public async Task Sps_of_an_x265_stream_says_what_ffprobe_says(string name, string size, string rate, string x265, string options, int chroma, int bitDepth)
    {
        var sample = await CodecSamples.H265(name, size, rate, x265, options);
        var probe = await CodecSamples.Stream(sample.Path, "profile,level,width,height,r_frame_rate,pix_fmt");
        var nal = FirstSps(sample);

        Assert.True(H265SpsParser.TryParse(nal, out var sps));

        Assert.Equal($"{probe["width"]}x{probe["height"]}", $"{sps.Width}x{sps.Height}");
        Assert.Equal(size, $"{sps.Width}x{sps.Height}");
        Assert.Equal(ProfileIdcs[probe["profile"]], sps.GeneralProfileIdc);
        Assert.Equal(int.Parse(probe["level"], CultureInfo.InvariantCulture), sps.GeneralLevelIdc);
        Assert.Equal(H264SpsSpecs.Rate(probe["r_frame_rate"]), sps.FrameRate!.Value, 6);
        Assert.Equal(H264SpsSpecs.Rate(rate), sps.FrameRate!.Value, 6);
        Assert.Equal((chroma, bitDepth, bitDepth), (sps.ChromaFormatIdc, sps.BitDepthLuma, sps.BitDepthChroma));
        Assert.Equal(probe["pix_fmt"].Contains("10", StringComparison.Ordinal) ? 10 : 8, sps.BitDepthLuma);
        Assert.Equal(ExpectedCodecString(nal), sps.CodecString);
        Assert.Equal(sps.CodecString, sps.ToVideoParameters().CodecString);
    }

    [Fact]
    public async Task Temporal_sub_layers_are_skipped_in_profile_tier_level()
    {
        var sample = await CodecSamples.H265("hevc-main", "640x360", "25", "keyint=12:temporal-layers=1");

        Assert.True(H265SpsParser.TryParse(FirstSps(sample), out var sps));

        Assert.Equal(2, sps.MaxSubLayers);
        Assert.Equal(25.0, sps.FrameRate);
    }

    [Fact]
    public async Task Scaling_lists_written_by_x265_are_skipped_exactly()
    {
        var lists = CodecSamples.PathFor("x265-lists.txt");
        await File.WriteAllTextAsync(lists, ScalingListFile());
        var sample = await CodecSamples.H265("hevc-lists", "320x240", "25", $"scaling-list={lists}", seconds: 0.2);
        var nal = FirstSps(sample);
        var (fields, errors) = await CodecSamples.TraceHeaders(sample.Bytes, "hevc");
        Assert.Empty(errors);
        Assert.Equal(1, fields["sps_scaling_list_data_present_flag"]);

        Assert.True(H265SpsParser.TryParse(nal, out var sps));

        Assert.Equal((320, 240), (sps.Width, sps.Height));
        Assert.Equal(fields["vui_time_scale"], sps.TimeScale);
        Assert.Equal(25.0, sps.FrameRate);
    }

    /// <summary>An HM-style list file with every list different, so x265 codes each one explicitly.</summary>
    private static string ScalingListFile()
    {
        var text = new System.Text.StringBuilder();
        string[] sizes = ["4X4", "8X8", "16X16", "32X32"], modes = ["INTRA", "INTER"], components = ["LUMA", "CHROMAU", "CHROMAV"];
        for (var s = 0; s < sizes.Length; s++)
        {
            for (var m = 0; m < modes.Length; m++)
            {
                for (var c = 0; c < (s == 3 ? 1 : 3); c++)
                {
                    var name = $"{modes[m]}{sizes[s]}_{components[c]}";
                    var values = Enumerable.Range(0, s == 0 ? 16 : 64).Select(i => 10 + (i * 7 + m * 3 + c * 5 + s) % 30);
                    text.Append(name).Append(" =\n").AppendJoin(',', values).Append("\n\n");
                    if (s >= 2) text.Append(CultureInfo.InvariantCulture, $"{name}_DC =\n{12 + m + c * 2 + s}\n\n");
                }
            }
        }

        return text.ToString();
    }

    [Fact]
    public async Task Without_vui_timing_the_frame_rate_is_unknown()
    {
        var sample = await CodecSamples.H265("hevc-no-timing", "320x240", "25", "vui-timing-info=0", seconds: 0.2);

        Assert.True(H265SpsParser.TryParse(FirstSps(sample), out var sps));

        Assert.Equal((320, 240), (sps.Width, sps.Height));
        Assert.Null(sps.FrameRate);
        Assert.Equal(0u, sps.TimeScale);
    }

    [Fact]
    public void Codec_string_follows_iso_14496_15_for_profile_space_tier_and_constraint_bytes()
    {
        Assert.Equal("hvc1.1.6.L93.B0", H265SpsParser.CodecString(0, false, 1, 0x6000_0000, 0xB000_0000_0000, 93));
        Assert.Equal("hev1.2.4.H153", H265SpsParser.CodecString(0, true, 2, 0x2000_0000, 0, 153, "hev1"));
        Assert.Equal("hvc1.A4.10.L120.98.08", H265SpsParser.CodecString(1, false, 4, 0x0800_0000, 0x9808_0000_0000, 120));
        Assert.Equal("hvc1.C1.80000001.L30.00.00.00.00.00.01", H265SpsParser.CodecString(3, false, 1, 0x8000_0001, 1, 30));
    }

    [Fact]
    public void Every_prefix_of_the_standard_sps_is_refused_or_parses_to_the_same_values()
    {
        var nal = SpecSps();
        Assert.True(H265SpsParser.TryParse(nal, out var full));

        var refused = 0;
        for (var length = 0; length < nal.Length; length++)
        {
            if (H265SpsParser.TryParse(nal.AsSpan(0, length), out var partial)) Assert.Equal(full, partial);
            else refused++;
        }

        Assert.True(refused >= nal.Length - 4, $"only {refused} of {nal.Length} prefixes refused");
    }

    [Theory]
    [InlineData("")]
    [InlineData("42")]
    [InlineData("42 01")]
    [InlineData("40 01 0C 01 FF FF 01 60 00 00 03 00 90")]
    [InlineData("C2 01 01 01 60 00 00 03 00 90 00 00 03 00 00 03 00 3F A0 05 12 01")]
    [InlineData("42 01 0F FF FF FF FF FF FF FF FF FF FF FF FF FF FF FF FF FF FF FF FF FF FF FF")]
    [InlineData("42 01 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00")]
    public void Bad_input_is_refused_without_throwing(string hex)
    {
        Assert.False(H265SpsParser.TryParse(Hex(hex), out _));
        Assert.False(H265Sps.TryParse(Hex(hex), out VideoParameters _));
    }

    /// <summary>The codec string worked out by hand from the SPS bytes, independently of the parser.</summary>
    private static string ExpectedCodecString(byte[] nal)
    {
        var b = CodecSamples.Unescape(nal)[2..];
        var space = b[1] >> 6;
        var compatibility = BinaryPrimitives.ReadUInt32BigEndian(b.AsSpan(2));
        var reversed = Convert.ToUInt32(new string(Convert.ToString(compatibility, 2).PadLeft(32, '0').Reverse().ToArray()), 2);
        var constraints = b[6..12].Reverse().SkipWhile(x => x == 0).Reverse().Select(x => "." + x.ToString("X2", CultureInfo.InvariantCulture));
        return $"hvc1.{(space == 0 ? "" : ((char)('A' + space - 1)).ToString())}{b[1] & 0x1F}.{reversed:X}.{((b[1] & 0x20) != 0 ? 'H' : 'L')}{b[12]}{string.Concat(constraints)}";
    }
}
