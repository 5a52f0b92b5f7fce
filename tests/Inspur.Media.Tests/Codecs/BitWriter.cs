namespace Inspur.Media.Tests.Codecs;

/// <summary>Writes syntax elements MSB first, so specs can build parameter sets from the standard's tables.</summary>
public sealed class BitWriter
{
    private readonly List<byte> _bytes = [];
    private int _bit;

    public int Position => _bytes.Count * 8 - (_bit == 0 ? 0 : 8 - _bit);

    public BitWriter U(int bits, ulong value)
    {
        for (var i = bits - 1; i >= 0; i--) Bit((int)((value >> i) & 1));
        return this;
    }

    public BitWriter Flag(bool value) => U(1, value ? 1u : 0u);

    public BitWriter Ue(uint value)
    {
        var coded = (ulong)value + 1;
        var length = 64 - System.Numerics.BitOperations.LeadingZeroCount(coded);
        return U(length - 1, 0).U(length, coded);
    }

    public BitWriter Se(int value) => Ue(value > 0 ? 2u * (uint)value - 1 : (uint)(-2L * value));

    /// <summary>Copies bits [<paramref name="from"/>, <paramref name="to"/>) of <paramref name="source"/>.</summary>
    public BitWriter Copy(ReadOnlySpan<byte> source, int from, int to)
    {
        for (var i = from; i < to; i++) Bit((source[i >> 3] >> (7 - (i & 7))) & 1);
        return this;
    }

    /// <summary>The RBSP with its stop bit and alignment.</summary>
    public byte[] Rbsp()
    {
        Bit(1);
        while (_bit != 0) Bit(0);
        return _bytes.ToArray();
    }

    /// <summary>A NAL unit: <paramref name="header"/> then the RBSP with emulation-prevention bytes inserted.</summary>
    public byte[] Nal(params byte[] header)
    {
        var output = new List<byte>(header);
        var zeros = 0;
        foreach (var b in Rbsp())
        {
            if (zeros >= 2 && b <= 3)
            {
                output.Add(3);
                zeros = 0;
            }

            output.Add(b);
            zeros = b == 0 ? zeros + 1 : 0;
        }

        return output.ToArray();
    }

    private void Bit(int value)
    {
        if (_bit == 0) _bytes.Add(0);
        if (value != 0) _bytes[^1] |= (byte)(0x80 >> _bit);
        _bit = (_bit + 1) & 7;
    }
}
