using System.Globalization;

namespace Inspur.Media.Codecs;

/// <summary>H.264 NAL unit types the packager acts on, and how to read them from a NAL header byte.</summary>
public static class H264
{
    public const int NonIdrSlice = 1;
    public const int Idr = 5;
    public const int Sei = 6;
    public const int Sps = 7;
    public const int Pps = 8;
    public const int Aud = 9;

    public static int NalType(byte header) => header & 0x1F;

    /// <summary>An IDR slice: decoding can start here without earlier pictures.</summary>
    public static bool IsKeyframeNal(int type) => type == Idr;

    /// <summary>A coded slice (types 1..5), i.e. part of a picture.</summary>
    public static bool IsVcl(int type) => type is >= 1 and <= 5;
}

/// <summary>What an H.264 sequence parameter set says about a stream: profile, level, size, bit depth, timing.</summary>
public sealed record H264Sps
{
    public int ProfileIdc { get; init; }

    /// <summary>The byte after profile_idc: constraint_set0..5 flags and two reserved bits, as in the codec string.</summary>
    public int ConstraintFlags { get; init; }

    public int LevelIdc { get; init; }

    public int SeqParameterSetId { get; init; }

    public int ChromaFormatIdc { get; init; }

    public bool SeparateColourPlane { get; init; }

    public int BitDepthLuma { get; init; }

    public int BitDepthChroma { get; init; }

    public bool FrameMbsOnly { get; init; }

    /// <summary>Width in luma samples after frame cropping.</summary>
    public int Width { get; init; }

    /// <summary>Height in luma samples after frame cropping.</summary>
    public int Height { get; init; }

    public int CodedWidth { get; init; }

    public int CodedHeight { get; init; }

    /// <summary>Sample aspect ratio from the VUI; 0:0 when not given.</summary>
    public (int Width, int Height) SampleAspectRatio { get; init; }

    /// <summary>VUI timing; 0 when the SPS carries none.</summary>
    public uint NumUnitsInTick { get; init; }

    public uint TimeScale { get; init; }

    public bool FixedFrameRate { get; init; }

    /// <summary>time_scale / (2 · num_units_in_tick), or null without VUI timing.</summary>
    public double? FrameRate => NumUnitsInTick > 0 && TimeScale > 0 ? TimeScale / (2.0 * NumUnitsInTick) : null;

    /// <summary>RFC 6381 codec string, e.g. <c>avc1.64001f</c>.</summary>
    public string CodecString { get; init; } = "";

    public VideoParameters ToVideoParameters() => new("h264", CodecString, Width, Height, ProfileIdc, LevelIdc);

    /// <summary>Parses an SPS NAL unit and keeps only what a playlist needs; see <see cref="H264SpsParser"/> for everything.</summary>
    public static bool TryParse(ReadOnlySpan<byte> nal, out VideoParameters parameters)
    {
        if (!H264SpsParser.TryParse(nal, out var sps))
        {
            parameters = null!;
            return false;
        }

        parameters = sps.ToVideoParameters();
        return true;
    }
}

/// <summary>Parses H.264 sequence parameter sets (ITU-T H.264 7.3.2.1.1 and E.1.1) from a NAL unit.</summary>
public static class H264SpsParser
{
    private const int MaxDimensionInMbs = 2048;

    /// <summary>
    /// Parses an SPS NAL unit that starts with its header byte (0x67 or similar) and may still contain emulation-prevention
    /// bytes. Returns false for anything that is not a complete, plausible SPS; never throws on bad input.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> nal, out H264Sps sps)
    {
        sps = null!;
        if (nal.Length < 4 || (nal[0] & 0x80) != 0 || H264.NalType(nal[0]) != H264.Sps) return false;
        var parsed = BitReader.ParseRbsp(nal[1..], Parse);
        if (parsed is null) return false;
        sps = parsed;
        return true;
    }

    /// <summary>The profiles whose SPS carries chroma format, bit depth and scaling matrices.</summary>
    public static bool HasChromaInfo(int profileIdc) =>
        profileIdc is 100 or 110 or 122 or 244 or 44 or 83 or 86 or 118 or 128 or 138 or 139 or 134 or 135;

    private static H264Sps? Parse(ReadOnlySpan<byte> rbsp)
    {
        var r = new BitReader(rbsp);
        var profile = (int)r.ReadBits(8);
        var constraints = (int)r.ReadBits(8);
        var level = (int)r.ReadBits(8);
        var spsId = r.ReadUe();
        if (spsId > 31) return null;

        var chromaFormat = 1u;
        var separateColourPlane = false;
        uint bitDepthLuma = 8, bitDepthChroma = 8;
        if (HasChromaInfo(profile))
        {
            chromaFormat = r.ReadUe();
            if (chromaFormat > 3) return null;
            if (chromaFormat == 3) separateColourPlane = r.ReadFlag();
            bitDepthLuma = r.ReadUe() + 8;
            bitDepthChroma = r.ReadUe() + 8;
            if (bitDepthLuma > 14 || bitDepthChroma > 14) return null;
            r.Skip(1); // qpprime_y_zero_transform_bypass_flag
            if (r.ReadFlag())
            {
                var lists = chromaFormat != 3 ? 8 : 12;
                for (var i = 0; i < lists && !r.Overrun; i++)
                {
                    if (r.ReadFlag()) SkipScalingList(ref r, i < 6 ? 16 : 64);
                }
            }
        }

        if (r.ReadUe() > 12) return null; // log2_max_frame_num_minus4
        var pocType = r.ReadUe();
        if (pocType == 0)
        {
            if (r.ReadUe() > 12) return null; // log2_max_pic_order_cnt_lsb_minus4
        }
        else if (pocType == 1)
        {
            r.Skip(1); // delta_pic_order_always_zero_flag
            r.ReadSe(); // offset_for_non_ref_pic
            r.ReadSe(); // offset_for_top_to_bottom_field
            var cycle = r.ReadUe();
            if (cycle > 255) return null;
            for (var i = 0; i < cycle && !r.Overrun; i++) r.ReadSe();
        }
        else if (pocType != 2)
        {
            return null;
        }

        r.ReadUe(); // max_num_ref_frames
        r.Skip(1); // gaps_in_frame_num_value_allowed_flag
        var widthMbs = r.ReadUe() + 1;
        var heightMapUnits = r.ReadUe() + 1;
        var frameMbsOnly = r.ReadFlag();
        if (!frameMbsOnly) r.Skip(1); // mb_adaptive_frame_field_flag
        r.Skip(1); // direct_8x8_inference_flag
        uint cropLeft = 0, cropRight = 0, cropTop = 0, cropBottom = 0;
        if (r.ReadFlag())
        {
            cropLeft = r.ReadUe();
            cropRight = r.ReadUe();
            cropTop = r.ReadUe();
            cropBottom = r.ReadUe();
        }

        if (r.Overrun || widthMbs > MaxDimensionInMbs || heightMapUnits > MaxDimensionInMbs) return null;

        (int, int) sar = default;
        uint unitsInTick = 0, timeScale = 0;
        var fixedRate = false;
        if (r.ReadFlag()) // vui_parameters_present_flag
        {
            if (r.ReadFlag()) sar = ReadAspectRatio(ref r);
            if (r.ReadFlag()) r.Skip(1); // overscan_info_present_flag → overscan_appropriate_flag
            if (r.ReadFlag()) // video_signal_type_present_flag
            {
                r.Skip(4); // video_format, video_full_range_flag
                if (r.ReadFlag()) r.Skip(24); // colour_primaries, transfer_characteristics, matrix_coefficients
            }

            if (r.ReadFlag()) // chroma_loc_info_present_flag
            {
                r.ReadUe();
                r.ReadUe();
            }

            if (r.ReadFlag()) // timing_info_present_flag
            {
                unitsInTick = r.ReadBits(32);
                timeScale = r.ReadBits(32);
                fixedRate = r.ReadFlag();
            }
        }

        if (r.Overrun) return null;

        var arrayType = separateColourPlane ? 0u : chromaFormat;
        var cropUnitX = arrayType is 1 or 2 ? 2u : 1u;
        var cropUnitY = (arrayType == 1 ? 2u : 1u) * (frameMbsOnly ? 1u : 2u);
        var codedWidth = widthMbs * 16;
        var codedHeight = heightMapUnits * 16 * (frameMbsOnly ? 1u : 2u);
        var width = (long)codedWidth - cropUnitX * ((long)cropLeft + cropRight);
        var height = (long)codedHeight - cropUnitY * ((long)cropTop + cropBottom);
        if (width <= 0 || height <= 0) return null;

        return new H264Sps
        {
            ProfileIdc = profile,
            ConstraintFlags = constraints,
            LevelIdc = level,
            SeqParameterSetId = (int)spsId,
            ChromaFormatIdc = (int)chromaFormat,
            SeparateColourPlane = separateColourPlane,
            BitDepthLuma = (int)bitDepthLuma,
            BitDepthChroma = (int)bitDepthChroma,
            FrameMbsOnly = frameMbsOnly,
            Width = (int)width,
            Height = (int)height,
            CodedWidth = (int)codedWidth,
            CodedHeight = (int)codedHeight,
            SampleAspectRatio = sar,
            NumUnitsInTick = unitsInTick,
            TimeScale = timeScale,
            FixedFrameRate = fixedRate,
            CodecString = string.Create(CultureInfo.InvariantCulture, $"avc1.{profile:x2}{constraints:x2}{level:x2}"),
        };
    }

    /// <summary>aspect_ratio_idc (Table E-1) and, for Extended_SAR, sar_width/sar_height; shared by H.264 and H.265 VUI.</summary>
    internal static (int Width, int Height) ReadAspectRatio(ref BitReader r)
    {
        var idc = r.ReadBits(8);
        if (idc == 255) return ((int)r.ReadBits(16), (int)r.ReadBits(16));
        ReadOnlySpan<byte> table =
        [
            0, 0, 1, 1, 12, 11, 10, 11, 16, 11, 40, 33, 24, 11, 20, 11, 32, 11, 80, 33, 18, 11, 15, 11, 64, 33, 160, 99, 4, 3, 3, 2, 2, 1,
        ];
        return idc < 17 ? (table[(int)idc * 2], table[(int)idc * 2 + 1]) : (0, 0);
    }

    private static void SkipScalingList(ref BitReader r, int size)
    {
        int last = 8, next = 8;
        for (var j = 0; j < size && !r.Overrun; j++)
        {
            if (next != 0)
            {
                var delta = r.ReadSe();
                if (delta is < -128 or > 127)
                {
                    r.Fail();
                    return;
                }

                next = (last + delta + 256) % 256;
            }

            last = next == 0 ? last : next;
        }
    }
}
