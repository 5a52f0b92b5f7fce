using System.Buffers;
using System.Buffers.Binary;

namespace Inspur.Media.Codecs;

/// <summary>
/// Reads bits and Exp-Golomb codes from an RBSP (emulation-prevention bytes already removed, see <see cref="Unescape"/>).
/// Reading past the end sets <see cref="Overrun"/> and yields zeros instead of throwing, so parsers check once at the end.
/// </summary>
public ref struct BitReader(ReadOnlySpan<byte> data)
{
    private readonly ReadOnlySpan<byte> _data = data;
    private int _bit;

    /// <summary>True once a read went past the end or met a malformed Exp-Golomb code; every later read returns 0.</summary>
    public bool Overrun { get; private set; }

    public readonly int Position => _bit;

    public readonly int BitsLeft => Overrun ? 0 : _data.Length * 8 - _bit;

    public readonly bool IsByteAligned => (_bit & 7) == 0;

    /// <summary>Reads <paramref name="count"/> bits (0..32), most significant first.</summary>
    public uint ReadBits(int count)
    {
        if (count == 0) return 0;
        if ((uint)count > 32 || Overrun || count > _data.Length * 8 - _bit)
        {
            Fail();
            return 0;
        }

        var index = _bit >> 3;
        ulong window;
        if (_data.Length - index >= 8)
        {
            window = BinaryPrimitives.ReadUInt64BigEndian(_data[index..]);
        }
        else
        {
            window = 0;
            for (var i = 0; i < 8; i++) window = (window << 8) | (index + i < _data.Length ? _data[index + i] : 0u);
        }

        var value = (uint)((window << (_bit & 7)) >> (64 - count));
        _bit += count;
        return value;
    }

    public uint ReadBit() => ReadBits(1);

    public bool ReadFlag() => ReadBits(1) == 1;

    public void Skip(int bits)
    {
        if (bits < 0 || Overrun || bits > _data.Length * 8 - _bit)
        {
            Fail();
            return;
        }

        _bit += bits;
    }

    /// <summary>ue(v). More than 31 leading zero bits is treated as malformed and reported as an overrun.</summary>
    public uint ReadUe()
    {
        var zeros = 0;
        while (ReadBits(1) == 0)
        {
            if (Overrun || ++zeros > 31)
            {
                Fail();
                return 0;
            }
        }

        if (zeros == 0) return 0;
        var suffix = ReadBits(zeros);
        return Overrun ? 0 : (uint)((1UL << zeros) - 1 + suffix);
    }

    /// <summary>se(v).</summary>
    public int ReadSe()
    {
        var k = ReadUe();
        return (k & 1) == 1 ? (int)((k + 1) / 2) : -(int)(k / 2);
    }

    /// <summary>Marks the data malformed: <see cref="Overrun"/> becomes true and later reads return 0.</summary>
    public void Fail()
    {
        Overrun = true;
        _bit = _data.Length * 8;
    }

    /// <summary>
    /// Copies a NAL unit payload into <paramref name="rbsp"/> without its emulation-prevention bytes (the 03 of 00 00 03);
    /// stops when <paramref name="rbsp"/> is full. Returns the number of bytes written.
    /// </summary>
    public static int Unescape(ReadOnlySpan<byte> nal, Span<byte> rbsp)
    {
        ReadOnlySpan<byte> escape = [0, 0, 3];
        var written = 0;
        while (!nal.IsEmpty && written < rbsp.Length)
        {
            var at = nal.IndexOf(escape);
            var take = at < 0 ? nal.Length : at + 2;
            take = Math.Min(take, rbsp.Length - written);
            nal[..take].CopyTo(rbsp[written..]);
            written += take;
            if (at < 0 || take < at + 2) break;
            nal = nal[(at + 3)..];
        }

        return written;
    }

    /// <summary>Unescapes <paramref name="nal"/> into stack memory or a pooled array and hands the RBSP to <paramref name="parse"/>.</summary>
    internal static T? ParseRbsp<T>(ReadOnlySpan<byte> nal, Func<ReadOnlySpan<byte>, T?> parse)
        where T : class
    {
        const int StackLimit = 512;
        byte[]? rented = null;
        var buffer = nal.Length <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(nal.Length));
        try
        {
            return parse(buffer[..Unescape(nal, buffer)]);
        }
        finally
        {
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
