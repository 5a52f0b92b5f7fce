namespace Inspur.Media.Codecs;

/// <summary>picture_coding_type of an MPEG-1/2 picture header.</summary>
public enum Mpeg2PictureType
{
    Unknown = 0,
    I = 1,
    P = 2,
    B = 3,
    D = 4,
}

/// <summary>MPEG-1/2 video start code values and the picture-level questions the segmenter asks (ISO/IEC 13818-2 6.2).</summary>
public static class Mpeg2Video
{
    public const byte PictureStartCode = 0x00;
    public const byte UserDataStartCode = 0xB2;
    public const byte SequenceHeaderCode = 0xB3;
    public const byte ExtensionStartCode = 0xB5;
    public const byte SequenceEndCode = 0xB7;
    public const byte GroupStartCode = 0xB8;

    /// <summary>A slice start code value (0x01..0xAF): the picture data itself.</summary>
    public static bool IsSlice(byte startCode) => startCode is >= 0x01 and <= 0xAF;

    /// <summary>
    /// picture_coding_type of a picture header given with or without its 00 00 01 prefix (starting at the 0x00 code
    /// value); <see cref="Mpeg2PictureType.Unknown"/> when the span is too short or not a picture header.
    /// </summary>
    public static Mpeg2PictureType PictureType(ReadOnlySpan<byte> pictureHeader)
    {
        var body = Mpeg2Syntax.Body(pictureHeader, PictureStartCode);
        return body.Length < 3 ? Mpeg2PictureType.Unknown : PictureTypeOf(body[2]);
    }

    /// <summary>Whether a picture header (see <see cref="PictureType"/>) codes an I picture.</summary>
    public static bool IsIntraPicture(ReadOnlySpan<byte> pictureHeader) => PictureType(pictureHeader) == Mpeg2PictureType.I;

    /// <summary>The type of the first picture whose header lies in <paramref name="payload"/> (e.g. one PES payload).</summary>
    public static Mpeg2PictureType FirstPictureType(ReadOnlySpan<byte> payload)
    {
        var rest = payload;
        while (NalScanner.IndexOfStartCode(rest) is var at and >= 0)
        {
            rest = rest[(at + 3)..];
            if (rest.Length > 0 && rest[0] == PictureStartCode) return rest.Length < 3 ? Mpeg2PictureType.Unknown : PictureTypeOf(rest[2]);
        }

        return Mpeg2PictureType.Unknown;
    }

    /// <summary>Whether the access unit in a PES payload starts with an I picture.</summary>
    public static bool IsIntraAccessUnit(ReadOnlySpan<byte> payload) => FirstPictureType(payload) == Mpeg2PictureType.I;

    /// <summary>picture_coding_type from the second byte after the picture start code value (10 bits temporal_reference first).</summary>
    internal static Mpeg2PictureType PictureTypeOf(byte secondByte) => ((secondByte >> 3) & 0x7) switch
    {
        1 => Mpeg2PictureType.I,
        2 => Mpeg2PictureType.P,
        3 => Mpeg2PictureType.B,
        4 => Mpeg2PictureType.D,
        _ => Mpeg2PictureType.Unknown,
    };
}

/// <summary>An MPEG-1/2 video sequence header (00 00 01 B3): what a channel needs to decide it must transcode, and to what.</summary>
public sealed record Mpeg2SequenceHeader
{
    private static readonly (int Num, int Den)[] FrameRates =
        [(0, 0), (24000, 1001), (24, 1), (25, 1), (30000, 1001), (30, 1), (50, 1), (60000, 1001), (60, 1)];

    public int Width { get; init; }

    public int Height { get; init; }

    /// <summary>aspect_ratio_information (1 square samples, 2 = 4:3, 3 = 16:9, 4 = 2.21:1 display).</summary>
    public int AspectRatioCode { get; init; }

    public int FrameRateCode { get; init; }

    /// <summary>Frames per second for the frame_rate_code, or null for a reserved code.</summary>
    public double? FrameRate => FrameRateCode is > 0 and < 9 ? (double)FrameRates[FrameRateCode].Num / FrameRates[FrameRateCode].Den : null;

    /// <summary>bit_rate_value · 400 bit/s; 0x3FFFF · 400 in MPEG-1 means variable.</summary>
    public long BitRate { get; init; }

    /// <summary>vbv_buffer_size_value · 16 kbit, in bits.</summary>
    public int VbvBufferSize { get; init; }

    public bool ConstrainedParameters { get; init; }

    public VideoParameters ToVideoParameters() => new("mpeg2video", "mp2v.61", Width, Height, 0, 0);

    /// <summary>Parses a sequence header given with or without its 00 00 01 prefix; never throws on bad input.</summary>
    public static bool TryParse(ReadOnlySpan<byte> data, out Mpeg2SequenceHeader header)
    {
        header = null!;
        var b = Mpeg2Syntax.Body(data, Mpeg2Video.SequenceHeaderCode);
        if (b.Length < 9) return false;
        var width = (b[1] << 4) | (b[2] >> 4);
        var height = ((b[2] & 0x0F) << 8) | b[3];
        var aspect = b[4] >> 4;
        var rateCode = b[4] & 0x0F;
        var bitRate = (b[5] << 10) | (b[6] << 2) | (b[7] >> 6);
        var marker = (b[7] >> 5) & 1;
        var vbv = ((b[7] & 0x1F) << 5) | (b[8] >> 3);
        if (width == 0 || height == 0 || aspect == 0 || rateCode == 0 || marker != 1) return false;
        header = new Mpeg2SequenceHeader
        {
            Width = width,
            Height = height,
            AspectRatioCode = aspect,
            FrameRateCode = rateCode,
            BitRate = bitRate * 400L,
            VbvBufferSize = vbv * 16 * 1024,
            ConstrainedParameters = (b[8] & 0x04) != 0,
        };
        return true;
    }
}

/// <summary>An MPEG-2 group-of-pictures header (00 00 01 B8): time code and whether the GOP is closed.</summary>
public readonly record struct Mpeg2GopHeader(bool DropFrame, int Hours, int Minutes, int Seconds, int Pictures, bool ClosedGop, bool BrokenLink)
{
    /// <summary>Parses a GOP header given with or without its 00 00 01 prefix.</summary>
    public static bool TryParse(ReadOnlySpan<byte> data, out Mpeg2GopHeader header)
    {
        header = default;
        var b = Mpeg2Syntax.Body(data, Mpeg2Video.GroupStartCode);
        if (b.Length < 5) return false;
        var bits = ((uint)b[1] << 24) | ((uint)b[2] << 16) | ((uint)b[3] << 8) | b[4];
        if (((bits >> 19) & 1) != 1) return false; // marker_bit
        header = new Mpeg2GopHeader(
            (bits >> 31) != 0, (int)((bits >> 26) & 0x1F), (int)((bits >> 20) & 0x3F), (int)((bits >> 13) & 0x3F),
            (int)((bits >> 7) & 0x3F), ((bits >> 6) & 1) != 0, ((bits >> 5) & 1) != 0);
        return true;
    }
}

/// <summary>Reads a sequence header for callers that only need <see cref="VideoParameters"/>; see <see cref="Mpeg2SequenceHeader"/>.</summary>
public static class Mpeg2Sequence
{
    public static bool TryParse(ReadOnlySpan<byte> header, out VideoParameters parameters)
    {
        if (!Mpeg2SequenceHeader.TryParse(header, out var sequence))
        {
            parameters = null!;
            return false;
        }

        parameters = sequence.ToVideoParameters();
        return true;
    }
}

internal static class Mpeg2Syntax
{
    /// <summary>The span from the start code value on, if it is <paramref name="code"/>; empty otherwise.</summary>
    public static ReadOnlySpan<byte> Body(ReadOnlySpan<byte> data, byte code)
    {
        if (data.Length >= 4 && data[0] == 0 && data[1] == 0 && data[2] == 1) data = data[3..];
        return data.Length > 0 && data[0] == code ? data : default;
    }
}
