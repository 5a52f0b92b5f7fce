using System.Runtime.CompilerServices;

namespace Inspur.Media.Ts;

/// <summary>Receives runs of aligned packets from a <see cref="TsPacketFramer"/>; the span is valid only during the call.</summary>
public interface ITsPacketConsumer
{
    /// <summary><paramref name="packets"/> holds one or more whole 188-byte packets, each starting with the sync byte.</summary>
    void OnPackets(ReadOnlySpan<byte> packets);
}

/// <summary>
/// Cuts an arbitrary chunked byte stream into aligned 188-byte packets, resynchronising after sync loss
/// (a sync byte is trusted only when the next packet's sync byte confirms it) and counting what it had to skip.
/// </summary>
public sealed class TsPacketFramer
{
    private const int Size = TsConstants.PacketSize;

    /// <summary>Confirming sync bytes needed (besides the candidate's own) to lock after a loss (TR 101 290 uses 5 in total).</summary>
    public const int LockConfirmations = 2;

    private readonly byte[] _carry = new byte[Size * (LockConfirmations + 1)];
    private int _carryLength;
    private bool _locked;

    /// <summary>Times sync was lost after having been acquired (TR 101 290 1.1).</summary>
    public long SyncLosses { get; private set; }

    /// <summary>Bytes discarded while searching for sync.</summary>
    public long SkippedBytes { get; private set; }

    /// <summary>Packets delivered.</summary>
    public long Packets { get; private set; }

    /// <summary>True once sync has been acquired and not lost since.</summary>
    public bool InSync => _locked;

    /// <summary>
    /// Feeds bytes and hands <paramref name="consumer"/> every run of complete, aligned packets.
    /// Incomplete trailing bytes are kept for the next call.
    /// </summary>
    public void Push(ReadOnlySpan<byte> data, ITsPacketConsumer consumer)
    {
        var offset = 0;
        while (_carryLength > 0)
        {
            // Complete the carried bytes with as few new bytes as possible, then continue on the input directly.
            if (offset == data.Length) return;
            var take = Math.Min(_carry.Length - _carryLength, data.Length - offset);
            data.Slice(offset, take).CopyTo(_carry.AsSpan(_carryLength));
            var before = _carryLength;
            var total = before + take;
            var consumed = Scan(_carry.AsSpan(0, total), consumer);
            if (consumed >= before)
            {
                offset += consumed - before;
                _carryLength = 0;
                break;
            }

            _carry.AsSpan(consumed, total - consumed).CopyTo(_carry);
            _carryLength = total - consumed;
            offset += take;
        }

        var rest = data[offset..];
        var used = Scan(rest, consumer);
        rest[used..].CopyTo(_carry);
        _carryLength = rest.Length - used;
    }

    /// <summary>Discards a trailing partial packet (end of input), counting it as skipped.</summary>
    public void Flush()
    {
        SkippedBytes += _carryLength;
        _carryLength = 0;
    }

    /// <summary>Delivers every packet it can from <paramref name="data"/>; returns how many bytes it consumed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int Scan(ReadOnlySpan<byte> data, ITsPacketConsumer consumer)
    {
        var pos = 0;
        while (true)
        {
            if (_locked)
            {
                var run = 0;
                while (data.Length - pos - run >= Size && data[pos + run] == TsConstants.SyncByte) run += Size;
                if (run > 0)
                {
                    Packets += run / Size;
                    consumer.OnPackets(data.Slice(pos, run));
                    pos += run;
                }

                if (data.Length - pos < Size) return pos;
                _locked = false;
                SyncLosses++;
            }

            // Search for a sync byte confirmed by the following packets.
            var window = data[pos..];
            var need = Size * (LockConfirmations + 1);
            var found = -1;
            var searchFrom = 0;
            while (true)
            {
                var rel = window[searchFrom..].IndexOf(TsConstants.SyncByte);
                if (rel < 0)
                {
                    SkippedBytes += window.Length;
                    return data.Length;
                }

                var candidate = searchFrom + rel;
                if (window.Length - candidate < need)
                {
                    SkippedBytes += candidate;
                    return pos + candidate;
                }

                var ok = true;
                for (var k = 1; k <= LockConfirmations; k++)
                {
                    if (window[candidate + k * Size] != TsConstants.SyncByte)
                    {
                        ok = false;
                        break;
                    }
                }

                if (ok)
                {
                    found = candidate;
                    break;
                }

                searchFrom = candidate + 1;
            }

            SkippedBytes += found;
            pos += found;
            _locked = true;
        }
    }
}
