namespace Inspur.Media.Codecs;

/// <summary>The video elementary-stream syntaxes the packager parses.</summary>
public enum VideoCodec
{
    H264,
    H265,
    Mpeg2,
}

/// <summary>Where a NAL unit (or MPEG-2 start code) begins inside the chunk being scanned, and its type.</summary>
/// <param name="Offset">Index, in the current chunk, of the NAL header byte (the byte after 00 00 01).</param>
/// <param name="Header">The NAL header byte (for MPEG-2, the start code value).</param>
/// <param name="Type">nal_unit_type for H.264/H.265; the start code value for MPEG-2.</param>
public readonly record struct NalStart(int Offset, byte Header, int Type);

/// <summary>
/// Finds Annex-B start codes (00 00 01, also as part of 00 00 00 01) in a stream fed chunk by chunk, such as 184-byte
/// TS payloads: a start code split between chunks is found, and the NAL header byte is reported wherever it lands.
/// </summary>
/// <remarks>
/// Call <see cref="TryFindNext"/> with the same chunk until it returns false before feeding the next chunk.
/// The scanner is a mutable struct: keep it in a field or local, never copy it while scanning.
/// </remarks>
public struct NalScanner(VideoCodec codec)
{
    private int _zeros;
    private bool _headerPending;

    public readonly VideoCodec Codec => codec;

    /// <summary>Forgets any partial start code (call at a discontinuity or at the start of a new PES).</summary>
    public void Reset()
    {
        _zeros = 0;
        _headerPending = false;
    }

    /// <summary>
    /// Finds the next NAL header byte in <paramref name="chunk"/> at or after <paramref name="position"/>. On success
    /// <paramref name="position"/> is the header byte's index, where the search for the next start code resumes (as in
    /// Annex B, a 0x00 header followed by 00 01 is an empty unit and the start of the next one); on failure it is the
    /// chunk's length and the tail of the chunk (trailing zeros, a start code without its header byte) is remembered.
    /// </summary>
    public bool TryFindNext(ReadOnlySpan<byte> chunk, ref int position, out NalStart start)
    {
        var i = position;
        if ((uint)i >= (uint)chunk.Length)
        {
            position = chunk.Length;
            start = default;
            return false;
        }

        if (_headerPending) return Found(chunk, i, ref position, out start);

        if (_zeros > 0)
        {
            var nonZero = chunk[i..].IndexOfAnyExcept((byte)0);
            if (nonZero < 0)
            {
                _zeros = Math.Min(2, _zeros + chunk.Length - i);
                position = chunk.Length;
                start = default;
                return false;
            }

            var zeros = _zeros + nonZero;
            _zeros = 0;
            i += nonZero;
            if (zeros >= 2 && chunk[i] == 1) return Found(chunk, i + 1, ref position, out start);
        }

        ReadOnlySpan<byte> startCode = [0, 0, 1];
        var at = chunk[i..].IndexOf(startCode);
        if (at >= 0) return Found(chunk, i + at + 3, ref position, out start);

        var tail = chunk[i..];
        _zeros = tail[^1] != 0 ? 0 : tail.Length >= 2 && tail[^2] == 0 ? 2 : 1;
        position = chunk.Length;
        start = default;
        return false;
    }

    private bool Found(ReadOnlySpan<byte> chunk, int header, ref int position, out NalStart start)
    {
        if (header >= chunk.Length)
        {
            _headerPending = true;
            position = chunk.Length;
            start = default;
            return false;
        }

        _headerPending = false;
        var b = chunk[header];
        start = new NalStart(header, b, TypeOf(codec, b));
        position = header;
        return true;
    }

    /// <summary>nal_unit_type of a NAL header byte (for MPEG-2, the start code value itself).</summary>
    public static int TypeOf(VideoCodec codec, byte header) => codec switch
    {
        VideoCodec.H264 => H264.NalType(header),
        VideoCodec.H265 => H265.NalType(header),
        _ => header,
    };

    /// <summary>Index of the first 00 00 01 in <paramref name="data"/>, or -1.</summary>
    public static int IndexOfStartCode(ReadOnlySpan<byte> data)
    {
        ReadOnlySpan<byte> startCode = [0, 0, 1];
        return data.IndexOf(startCode);
    }

    /// <summary>
    /// The NAL units of a whole Annex-B buffer, each from its header byte to the next start code, without trailing zero
    /// bytes; bytes before the first start code are skipped. Allocation-free: <c>foreach (var nal in NalScanner.Units(es))</c>.
    /// </summary>
    public static NalUnitEnumerator Units(ReadOnlySpan<byte> buffer) => new(buffer);
}

/// <summary>Walks the NAL units of a complete Annex-B buffer without allocating; see <see cref="NalScanner.Units"/>.</summary>
public ref struct NalUnitEnumerator(ReadOnlySpan<byte> buffer)
{
    private ReadOnlySpan<byte> _rest = buffer;

    public ReadOnlySpan<byte> Current { get; private set; }

    public readonly NalUnitEnumerator GetEnumerator() => this;

    public bool MoveNext()
    {
        while (true)
        {
            var at = NalScanner.IndexOfStartCode(_rest);
            if (at < 0)
            {
                _rest = default;
                Current = default;
                return false;
            }

            var unit = _rest[(at + 3)..];
            var end = NalScanner.IndexOfStartCode(unit);
            _rest = end < 0 ? default : unit[end..];
            var nal = (end < 0 ? unit : unit[..end]).TrimEnd((byte)0);
            if (nal.IsEmpty) continue;
            Current = nal;
            return true;
        }
    }
}
