namespace Inspur.Media.Ts;

/// <summary>
/// Reassembles PSI sections (pointer field, sections spanning packets, several sections per packet) on one PID and
/// hands over each complete section whose CRC is right; broken ones are counted, never delivered.
/// </summary>
public sealed class PsiSectionAssembler
{
    public const int MaxSectionLength = 1024;

    private readonly byte[] _buffer = new byte[3 + 4096];
    private int _length;
    private bool _collecting;

    public long CrcErrors { get; private set; }

    public long MalformedSections { get; private set; }

    public delegate void SectionHandler(ReadOnlySpan<byte> section);

    /// <summary>Feeds the payload of one packet of this PID.</summary>
    public void Push(ReadOnlySpan<byte> payload, bool payloadUnitStart, SectionHandler onSection)
    {
        if (payloadUnitStart)
        {
            if (payload.Length == 0) return;
            int pointer = payload[0];
            if (1 + pointer > payload.Length)
            {
                MalformedSections++;
                _collecting = false;
                return;
            }

            if (_collecting) Append(payload.Slice(1, pointer), onSection);
            _collecting = true;
            _length = 0;
            Append(payload[(1 + pointer)..], onSection);
        }
        else if (_collecting)
        {
            Append(payload, onSection);
        }
    }

    /// <summary>Drops a partial section (after a continuity error the rest cannot be trusted).</summary>
    public void Reset()
    {
        _collecting = false;
        _length = 0;
    }

    private void Append(ReadOnlySpan<byte> data, SectionHandler onSection)
    {
        while (data.Length > 0 && _collecting)
        {
            if (_length == 0 && data[0] == 0xFF)
            {
                // Stuffing after the last section of the packet.
                _collecting = false;
                return;
            }

            var need = _length < 3 ? 3 - _length : SectionTotal() - _length;
            var take = Math.Min(need, data.Length);
            data[..take].CopyTo(_buffer.AsSpan(_length));
            _length += take;
            data = data[take..];
            if (_length < 3) return;

            var total = SectionTotal();
            if (total - 3 > MaxSectionLength || total < 3 + 5 + 4)
            {
                MalformedSections++;
                _collecting = false;
                _length = 0;
                return;
            }

            if (_length < total) continue;

            var section = _buffer.AsSpan(0, total);
            var sectionSyntax = (section[1] & 0x80) != 0;
            if (sectionSyntax && Crc32Mpeg.Compute(section) != 0) CrcErrors++;
            else onSection(section);
            _length = 0;
        }
    }

    private int SectionTotal() => 3 + (((_buffer[1] & 0x0F) << 8) | _buffer[2]);
}
