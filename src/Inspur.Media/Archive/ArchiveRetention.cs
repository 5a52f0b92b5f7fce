namespace Inspur.Media.Archive;

/// <summary>How long each channel keeps its archive and how much the whole root may hold.</summary>
public sealed record ArchiveRetentionOptions
{
    public TimeSpan DefaultRetention { get; init; } = TimeSpan.FromHours(72);

    /// <summary>Per-channel retention (e.g. 7 days for catch-up channels); others use <see cref="DefaultRetention"/>.</summary>
    public IReadOnlyDictionary<string, TimeSpan> Retention { get; init; } = new Dictionary<string, TimeSpan>();

    /// <summary>Bytes the whole root may hold; null for no quota.</summary>
    public long? QuotaBytes { get; init; }

    /// <summary>Usage above this share of the quota raises the alarm before the quota bites.</summary>
    public double AlarmFraction { get; init; } = 0.9;

    /// <summary>A temp file older than this is a torn write (its writer died) and is deleted.</summary>
    public TimeSpan StaleTempAge { get; init; } = TimeSpan.FromMinutes(1);

    public TimeSpan RetentionOf(string channel) => Retention.TryGetValue(channel, out var r) ? r : DefaultRetention;
}

/// <summary>Why something was purged.</summary>
public enum PurgeReason
{
    Age,
    Quota,
}

/// <summary>One purge: a whole hour folder, or the expired segments of the hour the cutoff falls in.</summary>
public sealed record PurgedHour(string Channel, string Rendition, DateTimeOffset Hour, int Segments, long Bytes, PurgeReason Reason, bool WholeHour);

/// <summary>What a retention pass deleted and where usage stands against the quota.</summary>
public sealed record RetentionReport(IReadOnlyList<PurgedHour> Purged, int TempFilesDeleted, long UsageBytes, long? QuotaBytes, bool AboveAlarm)
{
    public long FreedBytes => Purged.Sum(p => p.Bytes);
}

/// <summary>
/// Keeps the archive inside its retention and disk quota, oldest first, working in whole hour folders so a pass costs a
/// listing per touched hour, not a walk of the archive; and clears torn temp files.
/// </summary>
public sealed class ArchiveRetention(ArchiveLayout layout, ArchiveUsage usage, ArchiveRetentionOptions options, TimeProvider clock)
{
    public ArchiveLayout Layout { get; } = layout;

    public ArchiveUsage Usage { get; } = usage;

    public ArchiveRetentionOptions Options { get; } = options;

    /// <summary>Rediscovers usage from disk (a full walk, see <see cref="ArchiveReader.Scan"/>) and deletes stale temp files.</summary>
    public static (ArchiveRetention Retention, ArchiveScan Scan, int TempFilesDeleted) Rediscover(
        ArchiveLayout layout, ArchiveRetentionOptions options, TimeProvider clock)
    {
        var scan = new ArchiveReader(layout).Scan();
        var retention = new ArchiveRetention(layout, scan.Usage, options, clock);
        return (retention, scan, retention.DeleteStaleTemps(scan.TempFiles));
    }

    /// <summary>One pass: age purge per channel, then the quota across channels, oldest hour first.</summary>
    public RetentionReport Run()
    {
        var now = clock.GetUtcNow();
        var purged = new List<PurgedHour>();
        var temps = new List<string>();
        foreach (var (channel, rendition, dir) in Renditions())
        {
            var cutoff = now - Options.RetentionOf(channel);
            foreach (var (hour, hourDir) in ArchiveReader.Hours(dir).ToList())
            {
                if (hour >= cutoff) break;
                if (hour.AddHours(1) <= cutoff) purged.Add(DeleteHour(channel, rendition, hour, hourDir, PurgeReason.Age));
                else if (DeleteExpired(channel, rendition, hour, hourDir, cutoff, temps) is { } partial) purged.Add(partial);
            }

            RemoveEmptyDays(dir);
        }

        if (Options.QuotaBytes is { } quota)
        {
            while (Usage.Total > quota && OldestHour() is { } oldest)
            {
                purged.Add(DeleteHour(oldest.Channel, oldest.Rendition, oldest.Hour, oldest.Dir, PurgeReason.Quota));
                RemoveEmptyDays(Path.GetDirectoryName(Path.GetDirectoryName(oldest.Dir)!)!);
            }
        }

        var total = Usage.Total;
        var alarm = Options.QuotaBytes is { } q && total > q * Options.AlarmFraction;
        return new RetentionReport(purged, DeleteStaleTemps(temps), total, Options.QuotaBytes, alarm);
    }

    /// <summary>Deletes the temp files among <paramref name="temps"/> last written longer ago than the stale age.</summary>
    public int DeleteStaleTemps(IEnumerable<string> temps)
    {
        var deleted = 0;
        var before = clock.GetUtcNow() - Options.StaleTempAge;
        foreach (var temp in temps)
        {
            try
            {
                var info = new FileInfo(temp);
                if (!info.Exists || !ArchiveWriter.IsTempName(info.Name) || info.LastWriteTimeUtc > before.UtcDateTime) continue;
                info.Delete();
                deleted++;
            }
            catch (IOException)
            {
                // Gone already or busy: the next pass sees it again.
            }
        }

        return deleted;
    }

    private IEnumerable<(string Channel, string Rendition, string Dir)> Renditions()
    {
        if (!Directory.Exists(Layout.Root)) yield break;
        foreach (var channel in Directory.EnumerateDirectories(Layout.Root).Select(Path.GetFileName).Where(n => ArchiveLayout.IsChannel(n!)).Order(StringComparer.Ordinal))
        {
            foreach (var rendition in Directory.EnumerateDirectories(Layout.ChannelDir(channel!)).Select(Path.GetFileName).Where(n => ArchiveLayout.IsRendition(n!)).Order(StringComparer.Ordinal))
                yield return (channel!, rendition!, Layout.RenditionDir(channel!, rendition!));
        }
    }

    /// <summary>The oldest hour folder across every channel and rendition (first day and hour names of each: no file listing).</summary>
    private (string Channel, string Rendition, DateTimeOffset Hour, string Dir)? OldestHour()
    {
        (string, string, DateTimeOffset, string)? oldest = null;
        foreach (var (channel, rendition, dir) in Renditions().ToList())
        {
            foreach (var (hour, hourDir) in ArchiveReader.Hours(dir))
            {
                if (oldest is null || hour < oldest.Value.Item3) oldest = (channel, rendition, hour, hourDir);
                break;
            }
        }

        return oldest;
    }

    private PurgedHour DeleteHour(string channel, string rendition, DateTimeOffset hour, string dir, PurgeReason reason)
    {
        long bytes = 0;
        var segments = 0;
        foreach (var file in new DirectoryInfo(dir).EnumerateFiles())
        {
            if (ArchiveLayout.TryParseFileName(file.Name, out _, out _))
            {
                bytes += file.Length;
                segments++;
            }
        }

        Directory.Delete(dir, recursive: true);
        Usage.Remove(channel, bytes);
        return new PurgedHour(channel, rendition, hour, segments, bytes, reason, WholeHour: true);
    }

    private PurgedHour? DeleteExpired(string channel, string rendition, DateTimeOffset hour, string dir, DateTimeOffset cutoff, List<string> temps)
    {
        long bytes = 0;
        var segments = 0;
        foreach (var file in new DirectoryInfo(dir).EnumerateFiles())
        {
            if (ArchiveWriter.IsTempName(file.Name)) temps.Add(file.FullName);
            else if (ArchiveLayout.TryParseFileName(file.Name, out var start, out var duration) && start + duration <= cutoff)
            {
                bytes += file.Length;
                segments++;
                file.Delete();
            }
        }

        Usage.Remove(channel, bytes);
        return segments == 0 ? null : new PurgedHour(channel, rendition, hour, segments, bytes, PurgeReason.Age, WholeHour: false);
    }

    private static void RemoveEmptyDays(string renditionDir)
    {
        foreach (var day in Directory.EnumerateDirectories(renditionDir).ToList())
        {
            if (!Directory.EnumerateFileSystemEntries(day).Any()) Directory.Delete(day);
        }
    }
}
