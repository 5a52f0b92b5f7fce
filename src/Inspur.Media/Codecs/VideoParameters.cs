using System.Globalization;

namespace Inspur.Media.Codecs;

/// <summary>What a player and a master playlist need to know of a video stream, read from its sequence parameters.</summary>
public sealed record VideoParameters(string Codec, string CodecString, int Width, int Height, int Profile, int Level)
{
    public string Resolution => $"{Width}x{Height}";
}

/// <summary>H.264 sequence parameter set: profile, level, coded size after cropping, RFC 6381 codec string.</summary>
public static class H264Sps
{
    private static readonly int[] HighProfiles = [100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135];

    /// <summary>Parses an SPS NAL unit (starting with its NAL header byte 0x67 or similar).</summary>
    public static bool TryParse(ReadOnlySpan<byte> nal, out VideoParameters parameters)
    {
        parameters = null!;
        if (nal.Length < 4 || (nal[0] & 0x1F) != 7) return false;
        Span<byte> rbsp = stackalloc byte[Math.Min(nal.Length, 1024)];
        var length = BitReader.Unescape(nal[1..], rbsp);
        var r = new BitReader(rbsp[..length]);
        var profile = (int)r.Bits(8);
        var constraints = (int)r.Bits(8);
        var level = (int)r.Bits(8);
        r.Ue(); // seq_parameter_set_id
        var chromaFormat = 1u;
        var separateColourPlane = false;
        if (HighProfiles.Contains(profile))
        {
            chromaFormat = r.Ue();
            if (chromaFormat == 3) separateColourPlane = r.Flag();
            r.Ue(); // bit_depth_luma_minus8
            r.Ue(); // bit_depth_chroma_minus8
            r.Skip(1); // qpprime_y_zero_transform_bypass_flag
            if (r.Flag())
            {
                for (var i = 0; i < (chromaFormat != 3 ? 8 : 12); i++)
                {
                    if (r.Flag()) SkipScalingList(ref r, i < 6 ? 16 : 64);
                }
            }
        }

        r.Ue(); // log2_max_frame_num_minus4
        var pocType = r.Ue();
        if (pocType == 0)
        {
            r.Ue();
        }
        else if (pocType == 1)
        {
            r.Skip(1);
            r.Se();
            r.Se();
            var cycle = r.Ue();
            if (cycle > 255) return false;
            for (var i = 0; i < cycle; i++) r.Se();
        }

        r.Ue(); // max_num_ref_frames
        r.Skip(1); // gaps_in_frame_num_value_allowed_flag
        var widthMbs = r.Ue() + 1;
        var heightMapUnits = r.Ue() + 1;
        var frameMbsOnly = r.Flag();
        if (!frameMbsOnly) r.Skip(1); // mb_adaptive_frame_field_flag
        r.Skip(1); // direct_8x8_inference_flag
        uint cropLeft = 0, cropRight = 0, cropTop = 0, cropBottom = 0;
        if (r.Flag())
        {
            cropLeft = r.Ue();
            cropRight = r.Ue();
            cropTop = r.Ue();
            cropBottom = r.Ue();
        }

        if (r.Overrun || widthMbs > 1024 || heightMapUnits > 1024) return false;
        var arrayType = separateColourPlane ? 0u : chromaFormat;
        var cropUnitX = arrayType == 0 ? 1u : arrayType == 3 ? 1u : 2u;
        var cropUnitY = (arrayType == 1 ? 2u : 1u) * (frameMbsOnly ? 1u : 2u);
        if (arrayType == 0) cropUnitY = frameMbsOnly ? 1u : 2u;
        var width = (long)widthMbs * 16 - cropUnitX * (cropLeft + cropRight);
        var height = (long)heightMapUnits * 16 * (frameMbsOnly ? 1 : 2) - cropUnitY * (cropTop + cropBottom);
        if (width <= 0 || height <= 0) return false;
        var codec = string.Create(CultureInfo.InvariantCulture, $"avc1.{profile:x2}{constraints:x2}{level:x2}");
        parameters = new VideoParameters("h264", codec, (int)width, (int)height, profile, level);
        return true;
    }

    private static void SkipScalingList(ref BitReader r, int size)
    {
        int last = 8, next = 8;
        for (var j = 0; j < size; j++)
        {
            if (next != 0) next = (last + r.Se() + 256) % 256;
            last = next == 0 ? last : next;
            if (r.Overrun) return;
        }
    }
}

/// <summary>H.265 sequence parameter set: profile/tier/level, coded size after the conformance window, codec string.</summary>
public static class H265Sps
{
    public static bool TryParse(ReadOnlySpan<byte> nal, out VideoParameters parameters)
    {
        parameters = null!;
        if (nal.Length < 6 || ((nal[0] >> 1) & 0x3F) != 33) return false;
        Span<byte> rbsp = stackalloc byte[Math.Min(nal.Length, 1024)];
        var length = BitReader.Unescape(nal[2..], rbsp);
        var r = new BitReader(rbsp[..length]);
        r.Skip(4); // sps_video_parameter_set_id
        var maxSubLayersMinus1 = (int)r.Bits(3);
        r.Skip(1); // temporal_id_nesting
        var profileSpace = (int)r.Bits(2);
        var tier = (int)r.Bits(1);
        var profile = (int)r.Bits(5);
        var compatibility = r.Bits(32);
        Span<byte> constraints = stackalloc byte[6];
        for (var i = 0; i < 6; i++) constraints[i] = (byte)r.Bits(8);
        var level = (int)r.Bits(8);
        Span<bool> subProfile = stackalloc bool[8];
        Span<bool> subLevel = stackalloc bool[8];
        for (var i = 0; i < maxSubLayersMinus1; i++)
        {
            subProfile[i] = r.Flag();
            subLevel[i] = r.Flag();
        }

        if (maxSubLayersMinus1 > 0)
        {
            for (var i = maxSubLayersMinus1; i < 8; i++) r.Skip(2);
        }

        for (var i = 0; i < maxSubLayersMinus1; i++)
        {
            if (subProfile[i]) r.Skip(88);
            if (subLevel[i]) r.Skip(8);
        }

        r.Ue(); // sps_seq_parameter_set_id
        var chromaFormat = r.Ue();
        if (chromaFormat == 3) r.Skip(1); // separate_colour_plane_flag
        var width = r.Ue();
        var height = r.Ue();
        if (r.Flag())
        {
            var subWidth = chromaFormat is 1 or 2 ? 2u : 1u;
            var subHeight = chromaFormat == 1 ? 2u : 1u;
            var left = r.Ue();
            var right = r.Ue();
            var top = r.Ue();
            var bottom = r.Ue();
            width -= subWidth * (left + right);
            height -= subHeight * (top + bottom);
        }

        if (r.Overrun || width is 0 or > 16384 || height is 0 or > 16384) return false;
        parameters = new VideoParameters("h265", CodecString(profileSpace, tier, profile, compatibility, constraints, level), (int)width, (int)height, profile, level);
        return true;
    }

    /// <summary>ISO/IEC 14496-15 annex E: hvc1.[space]profile.compat(reversed, hex).tier+level.constraint bytes (trailing zeros dropped).</summary>
    private static string CodecString(int space, int tier, int profile, uint compatibility, ReadOnlySpan<byte> constraints, int level)
    {
        uint reversed = 0;
        for (var i = 0; i < 32; i++) reversed |= ((compatibility >> i) & 1) << (31 - i);
        var text = new System.Text.StringBuilder("hvc1.");
        if (space > 0) text.Append((char)('A' + space - 1));
        text.Append(CultureInfo.InvariantCulture, $"{profile}.{reversed:X}.{(tier == 0 ? 'L' : 'H')}{level}");
        var last = constraints.Length - 1;
        while (last >= 0 && constraints[last] == 0) last--;
        for (var i = 0; i <= last; i++) text.Append(CultureInfo.InvariantCulture, $".{constraints[i]:X2}");
        return text.ToString();
    }
}

/// <summary>MPEG-2 video sequence header (00 00 01 B3): coded size, so a channel can tell it must transcode and to what.</summary>
public static class Mpeg2Sequence
{
    public static bool TryParse(ReadOnlySpan<byte> header, out VideoParameters parameters)
    {
        parameters = null!;
        if (header.Length < 8 || header[0] != 0 || header[1] != 0 || header[2] != 1 || header[3] != 0xB3) return false;
        var width = (header[4] << 4) | (header[5] >> 4);
        var height = ((header[5] & 0x0F) << 8) | header[6];
        if (width == 0 || height == 0) return false;
        parameters = new VideoParameters("mpeg2video", "mp2v.61", width, height, 0, 0);
        return true;
    }
}
