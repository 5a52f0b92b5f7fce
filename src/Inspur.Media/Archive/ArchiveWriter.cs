using Inspur.Media.Segmenting;

namespace Inspur.Media.Archive;

/// <summary>What became of one segment handed to the archive.</summary>
public abstract record ArchiveWriteResult(string Path);

/// <summary>The segment is under its final name, complete.</summary>
public sealed record ArchiveWritten(string Path, long Bytes) : ArchiveWriteResult(Path);

/// <summary>A segment with that start and duration was already archived; it was left as it is (published segments are never rewritten).</summary>
public sealed record ArchiveAlreadyPresent(string Path) : ArchiveWriteResult(Path);

/// <summary>The write failed (disk full, IO error, a file in the way); nothing is left under the final name. Raise an alarm.</summary>
public sealed record ArchiveWriteFailed(string Path, string Reason, Exception Error) : ArchiveWriteResult(Path);

/// <summary>
/// Stores segments crash-safely: bytes go to <c>.{name}.tmp</c> in the segment's hour folder and are renamed into place
/// only when complete, so a reader sees a whole segment or none.
/// </summary>
public sealed class ArchiveWriter(ArchiveLayout layout, ArchiveUsage usage)
{
    private string? _lastDir; // the hour folder last created: most writes go to the same one
    /// <summary>Temp files are named <c>.{final name}.tmp</c>; listings skip them.</summary>
    public const string TempSuffix = ".tmp";

    public ArchiveLayout Layout { get; } = layout;

    public ArchiveUsage Usage { get; } = usage;

    /// <summary>Also fsync each segment before the rename (survives power loss, not only a process crash); slower.</summary>
    public bool Durable { get; init; }

    /// <summary>
    /// Write segments with <c>O_DIRECT</c> where the file system takes it (see <see cref="DirectWrite"/>); elsewhere, or
    /// when false, through the page cache. Direct writes spare the CPU the kernel's copy and the later write-back, which
    /// were most of what archiving cost a live node; a segment written either way is the same file.
    /// </summary>
    public bool DirectWrites { get; init; } = true;

    /// <summary>Segments written with direct IO, and through the page cache, since this writer was made.</summary>
    public (long Direct, long Buffered) Counts => (Interlocked.Read(ref _direct), Interlocked.Read(ref _buffered));

    private long _direct;
    private long _buffered;

    public static string TempName(string finalName) => "." + finalName + TempSuffix;

    public static bool IsTempName(string fileName) => fileName.StartsWith('.') && fileName.EndsWith(TempSuffix, StringComparison.Ordinal);

    /// <summary>Writes one segment; ids are validated (ArgumentException), IO failures come back as <see cref="ArchiveWriteFailed"/>.</summary>
    public ArchiveWriteResult Write(string channel, string rendition, SegmentInfo segment, ReadOnlySpan<byte> bytes) =>
        Write(channel, rendition, segment.ProgramDateTime, segment.Duration, bytes);

    public ArchiveWriteResult Write(string channel, string rendition, DateTimeOffset start, TimeSpan duration, ReadOnlySpan<byte> bytes)
    {
        var path = Layout.SegmentPath(channel, rendition, start, duration);
        var dir = Path.GetDirectoryName(path)!;
        var temp = Path.Combine(dir, TempName(Path.GetFileName(path)));
        if (File.Exists(path)) return new ArchiveAlreadyPresent(path);
        try
        {
            if (Volatile.Read(ref _lastDir) != dir)
            {
                Directory.CreateDirectory(dir);
                Volatile.Write(ref _lastDir, dir);
            }

            try
            {
                WriteFile(temp, bytes);
            }
            catch (DirectoryNotFoundException)
            {
                Directory.CreateDirectory(dir); // retention removed the folder since we last created it
                WriteFile(temp, bytes);
            }

            File.Move(temp, path, overwrite: false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
            if (File.Exists(path) && e is IOException && new FileInfo(path).Length == bytes.Length) return new ArchiveAlreadyPresent(path); // lost a race to a twin writer
            return new ArchiveWriteFailed(path, $"cannot archive {Path.GetFileName(path)} for {channel}/{rendition}: {e.Message}", e);
        }

        Usage.Add(channel, bytes.Length);
        return new ArchiveWritten(path, bytes.Length);
    }

    private void WriteFile(string temp, ReadOnlySpan<byte> bytes)
    {
        using var file = File.OpenHandle(temp, FileMode.Create, FileAccess.Write, FileShare.None, preallocationSize: bytes.Length);
        if (DirectWrites && DirectWrite.TryWrite(file, bytes))
        {
            Interlocked.Increment(ref _direct);
        }
        else
        {
            RandomAccess.Write(file, bytes, 0);
            Interlocked.Increment(ref _buffered);
        }

        if (Durable) RandomAccess.FlushToDisk(file);
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The stale-temp sweep removes what could not be removed here; a temp name is never listed or served.
        }
    }
}
