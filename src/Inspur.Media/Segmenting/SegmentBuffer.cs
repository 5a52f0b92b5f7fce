using System.Buffers;

namespace Inspur.Media.Segmenting;

/// <summary>A growable byte buffer rented from the shared pool, reused segment after segment.</summary>
internal sealed class SegmentBuffer : IDisposable
{
    private byte[] _bytes = ArrayPool<byte>.Shared.Rent(1 << 20);

    public int Length { get; private set; }

    public ReadOnlySpan<byte> Span => _bytes.AsSpan(0, Length);

    public ReadOnlySpan<byte> Slice(int offset, int length) => _bytes.AsSpan(offset, length);

    public Span<byte> Append(ReadOnlySpan<byte> data)
    {
        Ensure(Length + data.Length);
        var target = _bytes.AsSpan(Length, data.Length);
        data.CopyTo(target);
        Length += data.Length;
        return target;
    }

    public void Clear() => Length = 0;

    /// <summary>Keeps only the bytes from <paramref name="offset"/> on, moved to the start.</summary>
    public void KeepFrom(int offset)
    {
        var rest = Length - offset;
        _bytes.AsSpan(offset, rest).CopyTo(_bytes);
        Length = rest;
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_bytes);
        _bytes = [];
        Length = 0;
    }

    private void Ensure(int size)
    {
        if (size <= _bytes.Length) return;
        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(size, _bytes.Length * 2));
        _bytes.AsSpan(0, Length).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_bytes);
        _bytes = bigger;
    }
}
