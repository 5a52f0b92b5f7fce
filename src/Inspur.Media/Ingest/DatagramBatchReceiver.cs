using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Inspur.Media.Ingest;

/// <summary>
/// Reads the datagrams queued on a non-blocking UDP socket, many per system call on Linux (<c>recvmmsg</c>, up to
/// <see cref="Capacity"/> at once), each into a slot with room for the largest datagram, so none is ever truncated.
/// Elsewhere it reads one per call with <see cref="Socket.Receive(Span{byte}, SocketFlags, out SocketError)"/>. A call
/// that returns fewer than <see cref="Capacity"/> datagrams has emptied the queue. One instance per reading thread.
/// </summary>
public sealed unsafe partial class DatagramBatchReceiver : IDisposable
{
    private const int SlotSize = 65536; // > the largest UDP payload (65 507 bytes)
    private const int BatchSlots = 16; // a 10 ms tick of a 5 Mbps feed is about 5 datagrams
    private const int MsgDontWait = 0x40;
    private const int EAgain = 11;
    private const int EIntr = 4;

    private static bool _batched = OperatingSystem.IsLinux();

    private readonly byte* _slots;
    private readonly MMsgHdr* _headers;
    private readonly IoVec* _vectors;
    private bool _disposed;

    public DatagramBatchReceiver()
    {
        _slots = (byte*)NativeMemory.Alloc((nuint)(BatchSlots * SlotSize));
        _headers = (MMsgHdr*)NativeMemory.AllocZeroed((nuint)BatchSlots, (nuint)sizeof(MMsgHdr));
        _vectors = (IoVec*)NativeMemory.AllocZeroed((nuint)BatchSlots, (nuint)sizeof(IoVec));
        for (var i = 0; i < BatchSlots; i++)
        {
            _vectors[i] = new IoVec { Base = _slots + (i * SlotSize), Length = SlotSize };
            _headers[i].Header.Vectors = _vectors + i;
            _headers[i].Header.VectorCount = 1;
        }
    }

    /// <summary>The most datagrams one <see cref="Receive"/> returns.</summary>
    public int Capacity => Volatile.Read(ref _batched) ? BatchSlots : 1;

    /// <summary>Datagram <paramref name="index"/> of the last <see cref="Receive"/>.</summary>
    public ReadOnlySpan<byte> Datagram(int index) => new(_slots + (index * SlotSize), (int)_headers[index].Length);

    /// <summary>Reads what is queued, up to <see cref="Capacity"/> datagrams; 0 when nothing is. Throws on a socket error.</summary>
    public int Receive(Socket socket)
    {
        if (Volatile.Read(ref _batched))
        {
            try
            {
                return ReceiveBatch(socket);
            }
            catch (EntryPointNotFoundException)
            {
                Volatile.Write(ref _batched, false); // a libc without recvmmsg: one datagram per call from now on
            }
            catch (DllNotFoundException)
            {
                Volatile.Write(ref _batched, false);
            }
        }

        var n = socket.Receive(new Span<byte>(_slots, SlotSize), SocketFlags.None, out var error);
        if (error == SocketError.WouldBlock) return 0;
        if (error != SocketError.Success) throw new SocketException((int)error);
        _headers[0].Length = (uint)n; // where recvmmsg would have put it
        return 1;
    }

    private int ReceiveBatch(Socket socket)
    {
        var fd = (int)socket.SafeHandle.DangerousGetHandle();
        while (true)
        {
            for (var i = 0; i < BatchSlots; i++) _headers[i].Header.Flags = 0;
            var n = RecvMmsg(fd, _headers, BatchSlots, MsgDontWait, null);
            if (n >= 0) return n;
            var errno = Marshal.GetLastPInvokeError();
            if (errno == EAgain) return 0;
            if (errno == EIntr) continue;
            throw new IOException($"recvmmsg failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");
        }
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        NativeMemory.Free(_slots);
        NativeMemory.Free(_headers);
        NativeMemory.Free(_vectors);
    }

    [LibraryImport("libc", EntryPoint = "recvmmsg", SetLastError = true)]
    private static partial int RecvMmsg(int fd, MMsgHdr* messages, uint count, int flags, void* timeout);

    [StructLayout(LayoutKind.Sequential)]
    private struct IoVec
    {
        public byte* Base;
        public nuint Length;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct MsgHdr
    {
        public void* Name;
        public uint NameLength;
        public IoVec* Vectors;
        public nuint VectorCount;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct MMsgHdr
    {
        public MsgHdr Header;
        public uint Length;
    }
}
