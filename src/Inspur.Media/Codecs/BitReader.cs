namespace Inspur.Media.Codecs;

/// <summary>
/// Reads bits and Exp-Golomb codes from an RBSP (emulation-prevention bytes already removed). Reading past the end
/// sets <see cref="Overrun"/> and yields zeros instead of throwing, so parsers check once at the end.
/// </summary>
public ref struct BitReader(ReadOnlySpan<byte> data)
{
    private readonly ReadOnlySpan<byte> _data = data;
    private int _bit;

    public bool Overrun { get; private set; }

    public int BitsLeft => Math.Max(0, _data.Length * 8 - _bit);

    public uint Bits(int count)
    {
        uint value = 0;
        for (var i = 0; i < count; i++) value = (value << 1) | Bit();
        return value;
    }

    public uint Bit()
    {
        if (_bit >= _data.Length * 8)
        {
            Overrun = true;
            return 0;
        }

        var value = (uint)(_data[_bit >> 3] >> (7 - (_bit & 7))) & 1;
        _bit++;
        return value;
    }

    public bool Flag() => Bit() == 1;

    public void Skip(int bits)
    {
        _bit += bits;
        if (_bit > _data.Length * 8) Overrun = true;
    }

    /// <summary>ue(v); more than 31 leading zeros is malformed and reported as an overrun.</summary>
    public uint Ue()
    {
        var zeros = 0;
        while (Bit() == 0)
        {
            if (Overrun || ++zeros > 31)
            {
                Overrun = true;
                return 0;
            }
        }

        return zeros == 0 ? 0 : (uint)((1L << zeros) - 1 + Bits(zeros));
    }

    public int Se()
    {
        var k = Ue();
        return (k & 1) == 1 ? (int)((k + 1) / 2) : -(int)(k / 2);
    }

    /// <summary>Copies a NAL unit's payload into <paramref name="rbsp"/> without emulation-prevention bytes (00 00 03).</summary>
    public static int Unescape(ReadOnlySpan<byte> nal, Span<byte> rbsp)
    {
        var n = 0;
        var zeros = 0;
        foreach (var b in nal)
        {
            if (zeros >= 2 && b == 3)
            {
                zeros = 0;
                continue;
            }

            if (n == rbsp.Length) break;
            rbsp[n++] = b;
            zeros = b == 0 ? zeros + 1 : 0;
        }

        return n;
    }
}
