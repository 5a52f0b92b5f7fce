namespace Inspur.Media.Ts;

/// <summary>The start of a PES packet: stream id, PTS/DTS (90 kHz, 33 bits) and where the elementary stream begins.</summary>
public readonly record struct PesHeader(byte StreamId, long Pts, long Dts, int PayloadOffset, int PacketLength)
{
    public const long NoTimestamp = -1;

    /// <summary>Parses the PES header at the start of <paramref name="data"/> (a packet payload with PUSI set).</summary>
    public static bool TryParse(ReadOnlySpan<byte> data, out PesHeader header)
    {
        header = default;
        if (data.Length < 9 || data[0] != 0 || data[1] != 0 || data[2] != 1) return false;
        var streamId = data[3];
        var packetLength = (data[4] << 8) | data[5];
        if (!HasOptionalHeader(streamId))
        {
            header = new PesHeader(streamId, NoTimestamp, NoTimestamp, 6, packetLength);
            return true;
        }

        if ((data[6] & 0xC0) != 0x80) return false;
        var flags = data[7] >> 6;
        var headerLength = data[8];
        var payloadOffset = 9 + headerLength;
        if (payloadOffset > data.Length) return false;
        long pts = NoTimestamp, dts = NoTimestamp;
        if (flags is 2 or 3)
        {
            if (headerLength < 5 || !TryReadTimestamp(data[9..], out pts)) return false;
            dts = pts;
            if (flags == 3)
            {
                if (headerLength < 10 || !TryReadTimestamp(data[14..], out dts)) return false;
            }
        }

        header = new PesHeader(streamId, pts, dts, payloadOffset, packetLength);
        return true;
    }

    private static bool HasOptionalHeader(byte streamId) =>
        streamId is not (0xBC or 0xBE or 0xBF or 0xF0 or 0xF1 or 0xFF or 0xF2 or 0xF8);

    private static bool TryReadTimestamp(ReadOnlySpan<byte> b, out long value)
    {
        value = NoTimestamp;
        if (b.Length < 5 || (b[0] & 1) == 0 || (b[2] & 1) == 0 || (b[4] & 1) == 0) return false;
        value = ((long)(b[0] & 0x0E) << 29) | ((long)b[1] << 22) | ((long)(b[2] & 0xFE) << 14) | ((long)b[3] << 7) | ((long)b[4] >> 1);
        return true;
    }
}

/// <summary>33-bit 90 kHz timestamps: wrap-around aware differences and unwrapping into a monotonic 64-bit timeline.</summary>
public static class MpegTime
{
    public const long Clock = 90_000;
    public const long Wrap = 1L << 33;
    private const long HalfWrap = Wrap / 2;

    /// <summary>The signed difference <c>b - a</c>, assuming the two are less than half a wrap (≈13.25 h) apart.</summary>
    public static long Diff(long a, long b)
    {
        var d = (b - a) & (Wrap - 1);
        return d >= HalfWrap ? d - Wrap : d;
    }

    /// <summary>Exact: 90 kHz ticks are 1000/9 .NET ticks (10 MHz), rounded to the nearest .NET tick.</summary>
    public static TimeSpan ToTimeSpan(long ticks90k) => TimeSpan.FromTicks((ticks90k * 1000 + (ticks90k >= 0 ? 4 : -4)) / 9);

    public static double ToSeconds(long ticks90k) => ticks90k / (double)Clock;
}

/// <summary>Follows one 33-bit timestamp sequence and maps it onto a continuous 64-bit timeline across wraps.</summary>
public struct TimestampUnwrapper
{
    private long _last;
    private bool _started;

    public long Unwrap(long raw)
    {
        if (!_started)
        {
            _started = true;
            _last = raw;
            return raw;
        }

        _last += MpegTime.Diff(_last & (MpegTime.Wrap - 1), raw);
        return _last;
    }

    public void Reset() => _started = false;
}
