using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Inspur.Media.Archive;

/// <summary>
/// Writes a whole file with <c>O_DIRECT</c> (Linux): the bytes go from an aligned staging buffer straight to the device,
/// so the kernel neither copies them into the page cache nor writes them back later. A file system that refuses direct
/// IO (at <c>fcntl</c>, or with <c>EINVAL</c> at the write) leaves the file as it was and the caller writes it buffered.
/// </summary>
internal static unsafe partial class DirectWrite
{
    /// <summary>Buffer address, length and offset of every direct write are multiples of this (covers 512 and 4K sectors).</summary>
    public const int Alignment = 4096;

    private const int GetFlags = 3; // F_GETFL
    private const int SetFlags = 4; // F_SETFL
    private const int InvalidArgument = 22; // EINVAL
    private const int Interrupted = 4; // EINTR

    private static readonly int ODirect = !OperatingSystem.IsLinux() ? 0 : RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 or Architecture.X86 => 0x4000,
        Architecture.Arm64 or Architecture.Arm => 0x10000,
        _ => 0, // flag value not known here: always buffered
    };

    /// <summary>
    /// Writes <paramref name="bytes"/> as the whole content of the empty file <paramref name="file"/>; false when direct IO
    /// is not available for it (nothing written). IO errors other than that throw <see cref="IOException"/>.
    /// </summary>
    public static bool TryWrite(SafeFileHandle file, ReadOnlySpan<byte> bytes)
    {
        if (ODirect == 0) return false;
        var fd = (int)file.DangerousGetHandle();
        var flags = Fcntl(fd, GetFlags, 0);
        if (flags < 0 || Fcntl(fd, SetFlags, flags | ODirect) < 0) return false;
        var padded = (bytes.Length + Alignment - 1) / Alignment * Alignment;
        var staging = AlignedBuffer.Rent(padded);
        try
        {
            var span = staging.Span(padded);
            bytes.CopyTo(span);
            span[bytes.Length..].Clear();
            if (!WriteAll(fd, staging.Pointer, padded))
            {
                Fcntl(fd, SetFlags, flags);
                return false;
            }
        }
        finally
        {
            AlignedBuffer.Return(staging);
        }

        // The tail of the last block was padding; the file ends where the segment does.
        RandomAccess.SetLength(file, bytes.Length);
        return true;
    }

    /// <summary>False on <c>EINVAL</c> before anything was written (the device wants other alignment); throws on other errors.</summary>
    private static bool WriteAll(int fd, byte* data, int length)
    {
        long done = 0;
        while (done < length)
        {
            var n = PWrite(fd, data + done, (nuint)(length - done), done);
            if (n > 0)
            {
                done += n;
                continue;
            }

            var errno = n < 0 ? Marshal.GetLastPInvokeError() : 0;
            if (errno == Interrupted) continue;
            if (errno == InvalidArgument && done == 0) return false;
            throw new IOException(errno == 0 ? "direct write made no progress" : Marshal.GetPInvokeErrorMessage(errno), errno);
        }

        return true;
    }

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static partial int Fcntl(int fd, int command, int argument);

    [LibraryImport("libc", EntryPoint = "pwrite", SetLastError = true)]
    private static partial nint PWrite(int fd, byte* buffer, nuint count, long offset);
}

/// <summary>Native memory aligned to <see cref="DirectWrite.Alignment"/>, kept in a small shared pool between writes.</summary>
internal sealed unsafe class AlignedBuffer : IDisposable
{
    private const int Step = 1 << 20; // capacities are whole MiB, so segments of similar size reuse one buffer
    private const int Pooled = 4; // at most this many idle buffers are kept (one per concurrent archive write is plenty)
    private static readonly Stack<AlignedBuffer> Idle = new();

    private AlignedBuffer(int capacity)
    {
        Capacity = capacity;
        Pointer = (byte*)NativeMemory.AlignedAlloc((nuint)capacity, DirectWrite.Alignment);
    }

    ~AlignedBuffer() => Free();

    public int Capacity { get; }

    public byte* Pointer { get; private set; }

    public Span<byte> Span(int length) => new(Pointer, length);

    public static AlignedBuffer Rent(int length)
    {
        lock (Idle)
        {
            while (Idle.TryPop(out var idle))
            {
                if (idle.Capacity >= length) return idle;
                idle.Dispose(); // too small for this size of segment: make room for a bigger one
            }
        }

        return new AlignedBuffer((length + Step - 1) / Step * Step);
    }

    public static void Return(AlignedBuffer buffer)
    {
        lock (Idle)
        {
            if (Idle.Count < Pooled)
            {
                Idle.Push(buffer);
                return;
            }
        }

        buffer.Dispose();
    }

    public void Dispose()
    {
        Free();
        GC.SuppressFinalize(this);
    }

    private void Free()
    {
        if (Pointer == null) return;
        NativeMemory.AlignedFree(Pointer);
        Pointer = null;
    }
}
