using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Inspur.Media.Ts;

/// <summary>Constants of ISO/IEC 13818-1 transport streams.</summary>
public static class TsConstants
{
    public const int PacketSize = 188;
    public const byte SyncByte = 0x47;
    public const int PatPid = 0x0000;
    public const int NullPid = 0x1FFF;
    public const int MaxPid = 0x1FFF;
}

/// <summary>
/// The header of one 188-byte TS packet, decoded in place: offsets into the packet instead of copies, so the hot path
/// allocates nothing per packet.
/// </summary>
public readonly struct TsPacketHeader
{
    public const long NoPcr = -1;

    public int Pid { get; init; }
    public bool TransportError { get; init; }
    public bool PayloadUnitStart { get; init; }
    public int Scrambling { get; init; }
    public bool HasAdaptation { get; init; }
    public bool HasPayload { get; init; }
    public int ContinuityCounter { get; init; }
    public bool Discontinuity { get; init; }
    public bool RandomAccess { get; init; }

    /// <summary>Program clock reference in 27 MHz units, or <see cref="NoPcr"/>.</summary>
    public long Pcr { get; init; }

    /// <summary>Offset of the payload in the packet; 188 when there is none.</summary>
    public int PayloadOffset { get; init; }

    /// <summary>False when the adaptation field length runs past the packet (the packet is then unusable).</summary>
    public bool Valid { get; init; }

    /// <summary>Decodes the header of <paramref name="packet"/>, which must be 188 bytes starting with the sync byte.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TsPacketHeader Parse(ReadOnlySpan<byte> packet)
    {
        var b1 = packet[1];
        var b3 = packet[3];
        var afc = (b3 >> 4) & 0x3;
        var hasAdaptation = (afc & 0x2) != 0;
        var hasPayload = (afc & 0x1) != 0;
        var payloadOffset = 4;
        var discontinuity = false;
        var randomAccess = false;
        var pcr = NoPcr;
        var valid = afc != 0;
        if (hasAdaptation)
        {
            int length = packet[4];
            payloadOffset = 5 + length;
            if (payloadOffset > TsConstants.PacketSize || (hasPayload && length > 182))
            {
                valid = false;
                payloadOffset = TsConstants.PacketSize;
            }
            else if (length > 0)
            {
                var flags = packet[5];
                discontinuity = (flags & 0x80) != 0;
                randomAccess = (flags & 0x40) != 0;
                if ((flags & 0x10) != 0 && length >= 7)
                {
                    var high = BinaryPrimitives.ReadUInt32BigEndian(packet[6..]);
                    var low = packet[10];
                    var b = ((long)high << 1) | (uint)(low >> 7);
                    var ext = ((low & 0x1) << 8) | packet[11];
                    pcr = b * 300 + ext;
                }
            }
        }

        return new TsPacketHeader
        {
            Pid = ((b1 & 0x1F) << 8) | packet[2],
            TransportError = (b1 & 0x80) != 0,
            PayloadUnitStart = (b1 & 0x40) != 0,
            Scrambling = (b3 >> 6) & 0x3,
            HasAdaptation = hasAdaptation,
            HasPayload = hasPayload && payloadOffset < TsConstants.PacketSize,
            ContinuityCounter = b3 & 0xF,
            Discontinuity = discontinuity,
            RandomAccess = randomAccess,
            Pcr = pcr,
            PayloadOffset = payloadOffset,
            Valid = valid,
        };
    }

    /// <summary>Rewrites the 4-bit continuity counter of a packet in place.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SetContinuityCounter(Span<byte> packet, int counter) =>
        packet[3] = (byte)((packet[3] & 0xF0) | (counter & 0xF));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int ReadPid(ReadOnlySpan<byte> packet) => ((packet[1] & 0x1F) << 8) | packet[2];
}
