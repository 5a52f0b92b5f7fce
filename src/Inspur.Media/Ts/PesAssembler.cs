namespace Inspur.Media.Ts;

/// <summary>
/// Reassembles whole PES packets of one PID from TS payloads, for consumers that need complete access units (codec
/// parameter extraction, audio frames). Bounded: a PES longer than <see cref="MaxPesBytes"/> is dropped and counted,
/// and a continuity break drops the PES in progress rather than delivering a torn one.
/// </summary>
public sealed class PesAssembler(int maxPesBytes = PesAssembler.DefaultMaxPesBytes)
{
    public const int DefaultMaxPesBytes = 4 * 1024 * 1024;

    private byte[] _buffer = new byte[64 * 1024];
    private int _length;
    private bool _collecting;

    public int MaxPesBytes { get; } = maxPesBytes;

    public long Delivered { get; private set; }

    public long Dropped { get; private set; }

    /// <summary>Called with the PES header and the elementary-stream bytes of each complete PES.</summary>
    public delegate void PesHandler(in PesHeader header, ReadOnlySpan<byte> payload);

    /// <summary>Feeds the payload of one packet of this PID.</summary>
    public void Push(ReadOnlySpan<byte> payload, bool payloadUnitStart, PesHandler onPes)
    {
        if (payloadUnitStart)
        {
            Flush(onPes);
            _collecting = true;
            _length = 0;
        }

        if (!_collecting) return;
        if (_length + payload.Length > MaxPesBytes)
        {
            Dropped++;
            _collecting = false;
            _length = 0;
            return;
        }

        if (_length + payload.Length > _buffer.Length) Array.Resize(ref _buffer, Math.Min(MaxPesBytes, Math.Max(_buffer.Length * 2, _length + payload.Length)));
        payload.CopyTo(_buffer.AsSpan(_length));
        _length += payload.Length;

        // A PES with a declared length is complete as soon as that many bytes arrived.
        if (_length >= 6)
        {
            var declared = (_buffer[4] << 8) | _buffer[5];
            if (declared > 0 && _length >= 6 + declared) Flush(onPes);
        }
    }

    /// <summary>A continuity break: the PES in progress cannot be trusted.</summary>
    public void Discard()
    {
        if (_collecting && _length > 0) Dropped++;
        _collecting = false;
        _length = 0;
    }

    /// <summary>Delivers the PES in progress (called at the next unit start or at the end of input).</summary>
    public void Flush(PesHandler onPes)
    {
        if (!_collecting || _length == 0) return;
        _collecting = false;
        var data = _buffer.AsSpan(0, _length);
        _length = 0;
        if (!PesHeader.TryParse(data, out var header))
        {
            Dropped++;
            return;
        }

        var end = header.PacketLength > 0 ? Math.Min(data.Length, 6 + header.PacketLength) : data.Length;
        if (header.PayloadOffset > end)
        {
            Dropped++;
            return;
        }

        Delivered++;
        onPes(header, data[header.PayloadOffset..end]);
    }
}
