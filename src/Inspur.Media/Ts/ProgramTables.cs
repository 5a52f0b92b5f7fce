using System.Buffers.Binary;

namespace Inspur.Media.Ts;

/// <summary>Stream types of a PMT that the platform tells apart.</summary>
public enum StreamKind
{
    Unknown,
    H264,
    H265,
    Mpeg2Video,
    Aac,
    AacLatm,
    Mpeg1Audio,
    Ac3,
    Eac3,
    Data,
}

/// <summary>One elementary stream listed in a PMT.</summary>
public sealed record ElementaryStream(int Pid, byte StreamType, StreamKind Kind, string? Language)
{
    public bool IsVideo => Kind is StreamKind.H264 or StreamKind.H265 or StreamKind.Mpeg2Video;

    public bool IsAudio => Kind is StreamKind.Aac or StreamKind.AacLatm or StreamKind.Mpeg1Audio or StreamKind.Ac3 or StreamKind.Eac3;
}

/// <summary>A program association table: program number → PMT PID.</summary>
public sealed record Pat(int TransportStreamId, int Version, IReadOnlyList<(int ProgramNumber, int PmtPid)> Programs)
{
    public static bool TryParse(ReadOnlySpan<byte> section, out Pat pat)
    {
        pat = null!;
        if (section.Length < 12 || section[0] != 0x00) return false;
        var end = section.Length - 4;
        var programs = new List<(int, int)>();
        for (var i = 8; i + 4 <= end; i += 4)
        {
            var number = BinaryPrimitives.ReadUInt16BigEndian(section[i..]);
            var pid = ((section[i + 2] & 0x1F) << 8) | section[i + 3];
            if (number != 0) programs.Add((number, pid));
        }

        pat = new Pat(BinaryPrimitives.ReadUInt16BigEndian(section[3..]), (section[5] >> 1) & 0x1F, programs);
        return true;
    }
}

/// <summary>A program map table: the PCR PID and the elementary streams of one program.</summary>
public sealed record Pmt(int ProgramNumber, int Version, int PcrPid, IReadOnlyList<ElementaryStream> Streams)
{
    public ElementaryStream? Video => Streams.FirstOrDefault(s => s.IsVideo);

    public static bool TryParse(ReadOnlySpan<byte> section, out Pmt pmt)
    {
        pmt = null!;
        if (section.Length < 16 || section[0] != 0x02) return false;
        var end = section.Length - 4;
        var programInfoLength = ((section[10] & 0x0F) << 8) | section[11];
        var i = 12 + programInfoLength;
        if (i > end) return false;
        var streams = new List<ElementaryStream>();
        while (i + 5 <= end)
        {
            var type = section[i];
            var pid = ((section[i + 1] & 0x1F) << 8) | section[i + 2];
            var infoLength = ((section[i + 3] & 0x0F) << 8) | section[i + 4];
            if (i + 5 + infoLength > end) return false;
            var descriptors = section.Slice(i + 5, infoLength);
            streams.Add(new ElementaryStream(pid, type, Classify(type, descriptors), Language(descriptors)));
            i += 5 + infoLength;
        }

        pmt = new Pmt(BinaryPrimitives.ReadUInt16BigEndian(section[3..]), (section[5] >> 1) & 0x1F,
            ((section[8] & 0x1F) << 8) | section[9], streams);
        return true;
    }

    private static StreamKind Classify(byte type, ReadOnlySpan<byte> descriptors) => type switch
    {
        0x1B => StreamKind.H264,
        0x24 => StreamKind.H265,
        0x01 or 0x02 => StreamKind.Mpeg2Video,
        0x0F => StreamKind.Aac,
        0x11 => StreamKind.AacLatm,
        0x03 or 0x04 => StreamKind.Mpeg1Audio,
        0x81 => StreamKind.Ac3,
        0x87 => StreamKind.Eac3,
        0x06 => HasDescriptor(descriptors, 0x6A) ? StreamKind.Ac3 : HasDescriptor(descriptors, 0x7A) ? StreamKind.Eac3 : StreamKind.Data,
        _ => StreamKind.Unknown,
    };

    private static bool HasDescriptor(ReadOnlySpan<byte> descriptors, byte tag)
    {
        for (var i = 0; i + 2 <= descriptors.Length; i += 2 + descriptors[i + 1])
        {
            if (descriptors[i] == tag) return true;
        }

        return false;
    }

    private static string? Language(ReadOnlySpan<byte> descriptors)
    {
        for (var i = 0; i + 2 <= descriptors.Length; i += 2 + descriptors[i + 1])
        {
            if (descriptors[i] == 0x0A && descriptors[i + 1] >= 3 && i + 5 <= descriptors.Length)
            {
                var code = descriptors.Slice(i + 2, 3);
                foreach (var c in code)
                {
                    if (c is < (byte)'a' or > (byte)'z' and (< (byte)'A' or > (byte)'Z')) return null;
                }

                return System.Text.Encoding.ASCII.GetString(code).ToLowerInvariant();
            }
        }

        return null;
    }
}
