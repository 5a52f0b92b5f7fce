using Inspur.Media.Archive;
using Inspur.Media.Segmenting;

namespace Inspur.Media.Tests.Archive;

/// <summary>Temp archive roots and synthetic segments for the archive specs.</summary>
public static class ArchiveTesting
{
    public static string TempRoot() => Directory.CreateTempSubdirectory("inspur-archive-").FullName;

    public static DateTimeOffset Utc(int year, int month, int day, int hour, int minute = 0, int second = 0, int ms = 0) =>
        new(year, month, day, hour, minute, second, ms, TimeSpan.Zero);

    public static SegmentInfo Segment(DateTimeOffset start, TimeSpan? duration = null, int size = 188) =>
        new(EpochSequence.For(start, TimeSpan.FromSeconds(2)), 0, start, duration ?? TimeSpan.FromSeconds(2), size, false, 0);

    /// <summary>Writes back-to-back 2 s segments of synthetic bytes covering <c>[from, to)</c>.</summary>
    public static List<ArchiveWriteResult> Record(ArchiveWriter writer, string channel, string rendition, DateTimeOffset from, DateTimeOffset to, int size = 188)
    {
        var bytes = new byte[size];
        bytes[0] = 0x47;
        var results = new List<ArchiveWriteResult>();
        for (var t = from; t < to; t += TimeSpan.FromSeconds(2)) results.Add(writer.Write(channel, rendition, Segment(t, size: size), bytes));
        return results;
    }
}

/// <summary>A <see cref="TimeProvider"/> whose clock moves only when a spec says so.</summary>
public sealed class ManualClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
