using System.Globalization;
using System.Text;

namespace Inspur.Media.Codecs;

/// <summary>H.265 NAL unit types the packager acts on, and how to read them from the first NAL header byte.</summary>
public static class H265
{
    public const int BlaWLp = 16;
    public const int IdrWRadl = 19;
    public const int IdrNLp = 20;
    public const int Cra = 21;
    public const int Vps = 32;
    public const int Sps = 33;
    public const int Pps = 34;
    public const int Aud = 35;
    public const int PrefixSei = 39;
    public const int SuffixSei = 40;

    public static int NalType(byte header) => (header >> 1) & 0x3F;

    /// <summary>A BLA, IDR or CRA picture (types 16..21): a random access point a segment may start at.</summary>
    public static bool IsKeyframeNal(int type) => type is >= BlaWLp and <= Cra;

    /// <summary>Any IRAP type, including the reserved 22 and 23.</summary>
    public static bool IsIrap(int type) => type is >= BlaWLp and <= 23;

    /// <summary>A coded slice segment (types 0..31), i.e. part of a picture.</summary>
    public static bool IsVcl(int type) => type is >= 0 and <= 31;
}

/// <summary>What an H.265 sequence parameter set says about a stream: profile/tier/level, size, bit depth, timing.</summary>
public sealed record H265Sps
{
    public int GeneralProfileSpace { get; init; }

    public bool GeneralTierFlag { get; init; }

    public int GeneralProfileIdc { get; init; }

    /// <summary>general_profile_compatibility_flag[0..31], flag 0 in the most significant bit (as coded).</summary>
    public uint GeneralProfileCompatibilityFlags { get; init; }

    /// <summary>The 48 bits from general_progressive_source_flag on, right-aligned.</summary>
    public ulong GeneralConstraintIndicatorFlags { get; init; }

    public int GeneralLevelIdc { get; init; }

    /// <summary>sps_max_sub_layers_minus1 + 1.</summary>
    public int MaxSubLayers { get; init; }

    public int SeqParameterSetId { get; init; }

    public int ChromaFormatIdc { get; init; }

    public bool SeparateColourPlane { get; init; }

    /// <summary>Width in luma samples after the conformance window.</summary>
    public int Width { get; init; }

    /// <summary>Height in luma samples after the conformance window.</summary>
    public int Height { get; init; }

    public int CodedWidth { get; init; }

    public int CodedHeight { get; init; }

    public int BitDepthLuma { get; init; }

    public int BitDepthChroma { get; init; }

    /// <summary>Sample aspect ratio from the VUI; 0:0 when not given.</summary>
    public (int Width, int Height) SampleAspectRatio { get; init; }

    /// <summary>VUI timing; 0 when the SPS carries none.</summary>
    public uint NumUnitsInTick { get; init; }

    public uint TimeScale { get; init; }

    /// <summary>vui_time_scale / vui_num_units_in_tick, or null without VUI timing.</summary>
    public double? FrameRate => NumUnitsInTick > 0 && TimeScale > 0 ? (double)TimeScale / NumUnitsInTick : null;

    /// <summary>ISO/IEC 14496-15 codec string, e.g. <c>hvc1.1.6.L93.B0</c>.</summary>
    public string CodecString { get; init; } = "";

    public VideoParameters ToVideoParameters() => new("h265", CodecString, Width, Height, GeneralProfileIdc, GeneralLevelIdc);

    /// <summary>Parses an SPS NAL unit and keeps only what a playlist needs; see <see cref="H265SpsParser"/> for everything.</summary>
    public static bool TryParse(ReadOnlySpan<byte> nal, out VideoParameters parameters)
    {
        if (!H265SpsParser.TryParse(nal, out var sps))
        {
            parameters = null!;
            return false;
        }

        parameters = sps.ToVideoParameters();
        return true;
    }
}

/// <summary>Parses H.265 sequence parameter sets (ITU-T H.265 7.3.2.2, 7.3.3, 7.3.4, 7.3.7, E.2.1) from a NAL unit.</summary>
public static class H265SpsParser
{
    private const int MaxDimension = 32768;
    private const int MaxRefPics = 16;
    private const int MaxRefPicSets = 64;

    /// <summary>
    /// Parses an SPS NAL unit that starts with its two-byte NAL header (0x42 0x01 or similar) and may still contain
    /// emulation-prevention bytes. Returns false for anything that is not a complete, plausible SPS; never throws.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> nal, out H265Sps sps)
    {
        sps = null!;
        if (nal.Length < 3 || (nal[0] & 0x80) != 0 || H265.NalType(nal[0]) != H265.Sps) return false;
        var parsed = BitReader.ParseRbsp(nal[2..], Parse);
        if (parsed is null) return false;
        sps = parsed;
        return true;
    }

    /// <summary>
    /// The codec string of ISO/IEC 14496-15 E.3: sample entry, profile space letter and profile, compatibility flags
    /// bit-reversed in hex, tier letter and level, then the constraint bytes without trailing zero bytes.
    /// </summary>
    public static string CodecString(int profileSpace, bool highTier, int profileIdc, uint compatibility, ulong constraints, int levelIdc, string sampleEntry = "hvc1")
    {
        var text = new StringBuilder(sampleEntry).Append('.');
        if (profileSpace > 0) text.Append((char)('A' + profileSpace - 1));
        text.Append(CultureInfo.InvariantCulture, $"{profileIdc}.{ReverseBits(compatibility):X}.{(highTier ? 'H' : 'L')}{levelIdc}");
        var bytes = 6;
        while (bytes > 0 && ((constraints >> (48 - 8 * bytes)) & 0xFF) == 0) bytes--;
        for (var i = 0; i < bytes; i++) text.Append(CultureInfo.InvariantCulture, $".{(constraints >> (40 - 8 * i)) & 0xFF:X2}");
        return text.ToString();
    }

    private static uint ReverseBits(uint value)
    {
        uint reversed = 0;
        for (var i = 0; i < 32; i++) reversed |= ((value >> i) & 1) << (31 - i);
        return reversed;
    }

    private static H265Sps? Parse(ReadOnlySpan<byte> rbsp)
    {
        var r = new BitReader(rbsp);
        r.Skip(4); // sps_video_parameter_set_id
        var maxSubLayersMinus1 = (int)r.ReadBits(3);
        if (maxSubLayersMinus1 > 6) return null;
        r.Skip(1); // sps_temporal_id_nesting_flag

        var profileSpace = (int)r.ReadBits(2);
        var highTier = r.ReadFlag();
        var profile = (int)r.ReadBits(5);
        var compatibility = r.ReadBits(32);
        var constraints = ((ulong)r.ReadBits(16) << 32) | r.ReadBits(32);
        var level = (int)r.ReadBits(8);
        SkipSubLayers(ref r, maxSubLayersMinus1);

        var spsId = r.ReadUe();
        if (spsId > 15) return null;
        var chromaFormat = r.ReadUe();
        if (chromaFormat > 3) return null;
        var separateColourPlane = chromaFormat == 3 && r.ReadFlag();
        var codedWidth = r.ReadUe();
        var codedHeight = r.ReadUe();
        long width = codedWidth, height = codedHeight;
        if (r.ReadFlag()) // conformance_window_flag
        {
            var subWidth = chromaFormat is 1 or 2 ? 2 : 1;
            var subHeight = chromaFormat == 1 ? 2 : 1;
            width -= subWidth * ((long)r.ReadUe() + r.ReadUe());
            height -= subHeight * ((long)r.ReadUe() + r.ReadUe());
        }

        var bitDepthLuma = r.ReadUe() + 8;
        var bitDepthChroma = r.ReadUe() + 8;
        var log2MaxPocLsb = (int)r.ReadUe() + 4;
        if (r.Overrun || codedWidth is 0 or > MaxDimension || codedHeight is 0 or > MaxDimension || width <= 0 || height <= 0 ||
            bitDepthLuma > 16 || bitDepthChroma > 16 || log2MaxPocLsb > 16)
        {
            return null;
        }

        var orderingInfoForAll = r.ReadFlag();
        for (var i = orderingInfoForAll ? 0 : maxSubLayersMinus1; i <= maxSubLayersMinus1; i++)
        {
            r.ReadUe(); // sps_max_dec_pic_buffering_minus1
            r.ReadUe(); // sps_max_num_reorder_pics
            r.ReadUe(); // sps_max_latency_increase_plus1
        }

        for (var i = 0; i < 6; i++) r.ReadUe(); // coding/transform block sizes, transform hierarchy depths
        if (r.ReadFlag() && r.ReadFlag()) SkipScalingListData(ref r); // scaling_list_enabled_flag, sps_scaling_list_data_present_flag
        r.Skip(2); // amp_enabled_flag, sample_adaptive_offset_enabled_flag
        if (r.ReadFlag()) // pcm_enabled_flag
        {
            r.Skip(8); // pcm_sample_bit_depth_luma_minus1, pcm_sample_bit_depth_chroma_minus1
            r.ReadUe();
            r.ReadUe();
            r.Skip(1); // pcm_loop_filter_disabled_flag
        }

        if (!SkipShortTermRefPicSets(ref r)) return null;
        if (r.ReadFlag()) // long_term_ref_pics_present_flag
        {
            var count = r.ReadUe();
            if (count > 32) return null;
            for (var i = 0; i < count; i++) r.Skip(log2MaxPocLsb + 1);
        }

        r.Skip(2); // sps_temporal_mvp_enabled_flag, strong_intra_smoothing_enabled_flag

        (int, int) sar = default;
        uint unitsInTick = 0, timeScale = 0;
        if (r.ReadFlag()) // vui_parameters_present_flag
        {
            if (r.ReadFlag()) sar = H264SpsParser.ReadAspectRatio(ref r);
            if (r.ReadFlag()) r.Skip(1); // overscan_info_present_flag → overscan_appropriate_flag
            if (r.ReadFlag()) // video_signal_type_present_flag
            {
                r.Skip(4); // video_format, video_full_range_flag
                if (r.ReadFlag()) r.Skip(24); // colour_primaries, transfer_characteristics, matrix_coeffs
            }

            if (r.ReadFlag()) // chroma_loc_info_present_flag
            {
                r.ReadUe();
                r.ReadUe();
            }

            r.Skip(3); // neutral_chroma_indication_flag, field_seq_flag, frame_field_info_present_flag
            if (r.ReadFlag()) // default_display_window_flag
            {
                for (var i = 0; i < 4; i++) r.ReadUe();
            }

            if (r.ReadFlag()) // vui_timing_info_present_flag
            {
                unitsInTick = r.ReadBits(32);
                timeScale = r.ReadBits(32);
            }
        }

        if (r.Overrun) return null;

        return new H265Sps
        {
            GeneralProfileSpace = profileSpace,
            GeneralTierFlag = highTier,
            GeneralProfileIdc = profile,
            GeneralProfileCompatibilityFlags = compatibility,
            GeneralConstraintIndicatorFlags = constraints,
            GeneralLevelIdc = level,
            MaxSubLayers = maxSubLayersMinus1 + 1,
            SeqParameterSetId = (int)spsId,
            ChromaFormatIdc = (int)chromaFormat,
            SeparateColourPlane = separateColourPlane,
            Width = (int)width,
            Height = (int)height,
            CodedWidth = (int)codedWidth,
            CodedHeight = (int)codedHeight,
            BitDepthLuma = (int)bitDepthLuma,
            BitDepthChroma = (int)bitDepthChroma,
            SampleAspectRatio = sar,
            NumUnitsInTick = unitsInTick,
            TimeScale = timeScale,
            CodecString = CodecString(profileSpace, highTier, profile, compatibility, constraints, level),
        };
    }

    /// <summary>The sub-layer part of profile_tier_level (7.3.3) after general_level_idc.</summary>
    private static void SkipSubLayers(ref BitReader r, int maxSubLayersMinus1)
    {
        if (maxSubLayersMinus1 == 0) return;
        var present = r.ReadBits(2 * maxSubLayersMinus1);
        r.Skip(2 * (8 - maxSubLayersMinus1)); // reserved_zero_2bits
        for (var i = 0; i < maxSubLayersMinus1; i++)
        {
            var flags = (present >> (2 * (maxSubLayersMinus1 - 1 - i))) & 3;
            if ((flags & 2) != 0) r.Skip(88); // sub_layer profile space, tier, idc, compatibility and constraint flags
            if ((flags & 1) != 0) r.Skip(8); // sub_layer_level_idc
        }
    }

    /// <summary>scaling_list_data() (7.3.4).</summary>
    private static void SkipScalingListData(ref BitReader r)
    {
        for (var sizeId = 0; sizeId < 4; sizeId++)
        {
            for (var matrixId = 0; matrixId < 6 && !r.Overrun; matrixId += sizeId == 3 ? 3 : 1)
            {
                if (!r.ReadFlag())
                {
                    r.ReadUe(); // scaling_list_pred_matrix_id_delta
                    continue;
                }

                var coefficients = Math.Min(64, 1 << (4 + (sizeId << 1)));
                if (sizeId > 1) r.ReadSe(); // scaling_list_dc_coef_minus8
                for (var i = 0; i < coefficients && !r.Overrun; i++) r.ReadSe();
            }
        }
    }

    /// <summary>
    /// num_short_term_ref_pic_sets and each st_ref_pic_set() (7.3.7). Inter-predicted sets take their size from the
    /// set they refer to, so the delta POCs of every set are derived as in 7.4.8.
    /// </summary>
    private static bool SkipShortTermRefPicSets(ref BitReader r)
    {
        var sets = r.ReadUe();
        if (sets > MaxRefPicSets) return false;
        Span<int> negatives = stackalloc int[MaxRefPicSets];
        Span<int> positives = stackalloc int[MaxRefPicSets];
        Span<int> deltas = stackalloc int[MaxRefPicSets * 2 * MaxRefPics];
        Span<bool> useDelta = stackalloc bool[MaxRefPics + 1];
        for (var idx = 0; idx < sets; idx++)
        {
            var s0 = deltas.Slice(idx * 2 * MaxRefPics, MaxRefPics);
            var s1 = deltas.Slice(idx * 2 * MaxRefPics + MaxRefPics, MaxRefPics);
            if (idx != 0 && r.ReadFlag()) // inter_ref_pic_set_prediction_flag
            {
                var refIdx = idx - 1;
                var negative = r.ReadFlag();
                var abs = r.ReadUe() + 1;
                if (abs > 32768) return false;
                var deltaRps = negative ? -(int)abs : (int)abs;
                int refNeg = negatives[refIdx], refPos = positives[refIdx], refCount = refNeg + refPos;
                var refS0 = deltas.Slice(refIdx * 2 * MaxRefPics, MaxRefPics);
                var refS1 = deltas.Slice(refIdx * 2 * MaxRefPics + MaxRefPics, MaxRefPics);
                for (var j = 0; j <= refCount; j++) useDelta[j] = r.ReadFlag() || r.ReadFlag(); // used_by_curr_pic_flag, use_delta_flag

                var n = 0;
                for (var j = refPos - 1; j >= 0; j--)
                {
                    if (refS1[j] + deltaRps < 0 && useDelta[refNeg + j] && !Add(s0, ref n, refS1[j] + deltaRps)) return false;
                }

                if (deltaRps < 0 && useDelta[refCount] && !Add(s0, ref n, deltaRps)) return false;
                for (var j = 0; j < refNeg; j++)
                {
                    if (refS0[j] + deltaRps < 0 && useDelta[j] && !Add(s0, ref n, refS0[j] + deltaRps)) return false;
                }

                negatives[idx] = n;
                n = 0;
                for (var j = refNeg - 1; j >= 0; j--)
                {
                    if (refS0[j] + deltaRps > 0 && useDelta[j] && !Add(s1, ref n, refS0[j] + deltaRps)) return false;
                }

                if (deltaRps > 0 && useDelta[refCount] && !Add(s1, ref n, deltaRps)) return false;
                for (var j = 0; j < refPos; j++)
                {
                    if (refS1[j] + deltaRps > 0 && useDelta[refNeg + j] && !Add(s1, ref n, refS1[j] + deltaRps)) return false;
                }

                positives[idx] = n;
                if (n + negatives[idx] > MaxRefPics) return false;
            }
            else
            {
                var negativeCount = r.ReadUe();
                var positiveCount = r.ReadUe();
                if (negativeCount > MaxRefPics || positiveCount > MaxRefPics || negativeCount + positiveCount > MaxRefPics) return false;
                var poc = 0;
                for (var i = 0; i < negativeCount; i++)
                {
                    var delta = r.ReadUe(); // delta_poc_s0_minus1
                    if (delta > 32767) return false;
                    poc -= (int)delta + 1;
                    s0[i] = poc;
                    r.Skip(1); // used_by_curr_pic_s0_flag
                }

                poc = 0;
                for (var i = 0; i < positiveCount; i++)
                {
                    var delta = r.ReadUe(); // delta_poc_s1_minus1
                    if (delta > 32767) return false;
                    poc += (int)delta + 1;
                    s1[i] = poc;
                    r.Skip(1); // used_by_curr_pic_s1_flag
                }

                negatives[idx] = (int)negativeCount;
                positives[idx] = (int)positiveCount;
            }

            if (r.Overrun) return false;
        }

        return true;
    }

    private static bool Add(Span<int> list, ref int count, int value)
    {
        if (count == list.Length) return false;
        list[count++] = value;
        return true;
    }
}
