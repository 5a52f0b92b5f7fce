namespace Inspur.Media.Archive;

/// <summary>A half-open UTC interval <c>[From, To)</c>.</summary>
public readonly record struct TimeRange(DateTimeOffset From, DateTimeOffset To)
{
    public TimeSpan Duration => To - From;

    public override string ToString() => $"[{From.UtcDateTime:yyyy-MM-ddTHH:mm:ss.fffZ}, {To.UtcDateTime:yyyy-MM-ddTHH:mm:ss.fffZ})";
}

/// <summary>What a channel/rendition has on one UTC day, for the player's time bar: recorded ranges and the gaps between them.</summary>
public sealed record ArchiveAvailability(DateOnly Day, IReadOnlyList<TimeRange> Ranges, IReadOnlyList<TimeRange> Gaps);

/// <summary>One channel's bytes and segment count as found on disk, and the torn temp files seen on the way.</summary>
public sealed record ArchiveScan(ArchiveUsage Usage, IReadOnlyDictionary<string, long> Segments, IReadOnlyList<string> TempFiles);

/// <summary>
/// Resolves time to files by listing only the hour folders a request touches, so a lookup costs the same in a day-old and
/// a week-old archive. Never lists or returns temp files.
/// </summary>
public sealed class ArchiveReader(ArchiveLayout layout)
{
    /// <summary>The longest segment we expect; a segment starting this much before a range may still cover its start.</summary>
    public static readonly TimeSpan MaxSegmentDuration = TimeSpan.FromSeconds(30);

    /// <summary>Segments closer than this join into one available range (rounding of ms names, encoder jitter).</summary>
    public static readonly TimeSpan JoinTolerance = TimeSpan.FromMilliseconds(100);

    public ArchiveLayout Layout { get; } = layout;

    /// <summary>
    /// The segments overlapping <c>[from, to)</c> in start order, including one that starts before <paramref name="from"/>
    /// and covers it. Lists the hour folders from <c>from − 30 s</c> to <paramref name="to"/>.
    /// </summary>
    public IReadOnlyList<ArchivedSegment> Segments(string channel, string rendition, DateTimeOffset from, DateTimeOffset to)
    {
        var result = new List<ArchivedSegment>();
        if (to <= from) return result;
        for (var hour = ArchiveLayout.HourStart(from - MaxSegmentDuration); hour < to; hour = hour.AddHours(1))
        {
            var dir = Layout.HourDir(channel, rendition, hour);
            foreach (var s in ListHour(dir))
            {
                if (s.Start < to && s.End > from) result.Add(s);
            }
        }

        result.Sort((a, b) => a.Start.CompareTo(b.Start));
        // One start, two durations (a rewrite after a failover): keep the first so nothing plays twice.
        result = result.Where((s, i) => i == 0 || s.Start != result[i - 1].Start).ToList();
        return result;
    }

    /// <summary>The recorded ranges of one UTC day and the gaps between them (segments within 100 ms join).</summary>
    public ArchiveAvailability Availability(string channel, string rendition, DateOnly day)
    {
        var dayStart = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc));
        var dayEnd = dayStart.AddDays(1);
        var ranges = Ranges(Segments(channel, rendition, dayStart, dayEnd))
            .Select(r => new TimeRange(Max(r.From, dayStart), Min(r.To, dayEnd)))
            .ToList();
        var gaps = new List<TimeRange>();
        for (var i = 1; i < ranges.Count; i++) gaps.Add(new TimeRange(ranges[i - 1].To, ranges[i].From));
        return new ArchiveAvailability(day, ranges, gaps);
    }

    /// <summary>
    /// Earliest start and latest end of a channel/rendition: finds the first and last non-empty hour from folder names,
    /// then lists just those two hours. Null when nothing is archived.
    /// </summary>
    /// <summary>The renditions a channel has in the archive, by name (one directory listing); none for an unknown or invalid channel.</summary>
    public IReadOnlyList<string> Renditions(string channel)
    {
        if (!ArchiveLayout.IsChannel(channel)) return [];
        var dir = new DirectoryInfo(Layout.ChannelDir(channel));
        return dir.Exists ? dir.EnumerateDirectories().Select(d => d.Name).Where(ArchiveLayout.IsRendition).Order(StringComparer.Ordinal).ToList() : [];
    }

    public TimeRange? Extent(string channel, string rendition)
    {
        var root = Layout.RenditionDir(channel, rendition);
        if (!Directory.Exists(root)) return null;
        var hours = Hours(root).ToList(); // names only: days × 24 entries at most
        ArchivedSegment? first = null, last = null;
        foreach (var (_, dir) in hours)
        {
            if (ListHour(dir).MinBy(s => s.Start) is { } s)
            {
                first = s;
                break;
            }
        }

        for (var i = hours.Count - 1; i >= 0 && first is not null; i--)
        {
            if (ListHour(hours[i].Dir).MaxBy(s => s.End) is { } s)
            {
                last = s;
                break;
            }
        }

        return first is null || last is null ? null : new TimeRange(first.Start, last.End);
    }

    /// <summary>
    /// Walks the whole root (one directory listing per hour folder plus a stat per file: O(segments), about 300 k files per
    /// rendition-week at 2 s) to rediscover usage at startup; also reports temp files it met.
    /// </summary>
    public ArchiveScan Scan()
    {
        var usage = new ArchiveUsage();
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        var temps = new List<string>();
        if (!Directory.Exists(Layout.Root)) return new ArchiveScan(usage, counts, temps);
        foreach (var channel in new DirectoryInfo(Layout.Root).EnumerateDirectories())
        {
            if (!ArchiveLayout.IsChannel(channel.Name)) continue;
            long bytes = 0, count = 0;
            foreach (var rendition in channel.EnumerateDirectories())
            {
                if (!ArchiveLayout.IsRendition(rendition.Name)) continue;
                foreach (var (_, dir) in Hours(rendition.FullName))
                {
                    foreach (var file in new DirectoryInfo(dir).EnumerateFiles())
                    {
                        if (ArchiveWriter.IsTempName(file.Name)) temps.Add(file.FullName);
                        else if (ArchiveLayout.TryParseFileName(file.Name, out _, out _))
                        {
                            bytes += file.Length;
                            count++;
                        }
                    }
                }
            }

            usage.Add(channel.Name, bytes);
            counts[channel.Name] = count;
        }

        return new ArchiveScan(usage, counts, temps);
    }

    /// <summary>Joins segments into continuous ranges (adjacent within <see cref="JoinTolerance"/>).</summary>
    public static List<TimeRange> Ranges(IEnumerable<ArchivedSegment> segments)
    {
        var ranges = new List<TimeRange>();
        foreach (var s in segments)
        {
            if (ranges.Count > 0 && s.Start - ranges[^1].To <= JoinTolerance) ranges[^1] = ranges[^1] with { To = Max(ranges[^1].To, s.End) };
            else ranges.Add(new TimeRange(s.Start, s.End));
        }

        return ranges;
    }

    /// <summary>The hour folders under a rendition folder in time order, from folder names only.</summary>
    internal static IEnumerable<(DateTimeOffset Hour, string Dir)> Hours(string renditionDir)
    {
        if (!Directory.Exists(renditionDir)) yield break;
        var days = new DirectoryInfo(renditionDir).EnumerateDirectories()
            .Select(d => (Ok: ArchiveLayout.TryParseDay(d.Name, out var day), Day: day, d.FullName))
            .Where(d => d.Ok).OrderBy(d => d.Day).ToList();
        foreach (var day in days)
        {
            var hours = SafeDirectories(day.FullName)
                .Select(h => (Ok: ArchiveLayout.TryParseHour(h.Name, out var hour), Hour: hour, h.FullName))
                .Where(h => h.Ok).OrderBy(h => h.Hour).ToList();
            foreach (var h in hours) yield return (ArchiveLayout.HourStart(day.Day, h.Hour), h.FullName);
        }
    }

    private static IEnumerable<DirectoryInfo> SafeDirectories(string dir)
    {
        try
        {
            return new DirectoryInfo(dir).EnumerateDirectories().ToList();
        }
        catch (IOException)
        {
            return []; // purged while we looked
        }
    }

    private static List<ArchivedSegment> ListHour(string dir)
    {
        var list = new List<ArchivedSegment>();
        try
        {
            foreach (var path in Directory.EnumerateFiles(dir))
            {
                var name = Path.GetFileName(path);
                if (ArchiveLayout.TryParseFileName(name, out var start, out var duration)) list.Add(new ArchivedSegment(start, duration, path));
            }
        }
        catch (IOException)
        {
            // No such hour (nothing recorded, or purged while we looked).
        }

        return list;
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
