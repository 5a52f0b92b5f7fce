using Inspur.Media.Archive;
using static Inspur.Media.Tests.Archive.ArchiveTesting;

namespace Inspur.Media.Tests.Archive;

public sealed class ArchiveRetentionSpecs
{
    [Fact]
    public void Age_purge_removes_whole_expired_hours_the_expired_part_of_the_cutoff_hour_and_empty_days()
    {
        var layout = new ArchiveLayout(TempRoot());
        var usage = new ArchiveUsage();
        var writer = new ArchiveWriter(layout, usage);
        Record(writer, "ch1", "main", Utc(2026, 11, 30, 22), Utc(2026, 12, 1, 2), size: 100);
        Record(writer, "ch7", "main", Utc(2026, 11, 30, 22), Utc(2026, 12, 1, 2), size: 100);
        var clock = new ManualClock(Utc(2026, 12, 4, 1, 30)); // 72 h before is 2026-12-01 01:30
        var options = new ArchiveRetentionOptions { Retention = new Dictionary<string, TimeSpan> { ["ch7"] = TimeSpan.FromDays(7) } };
        var retention = new ArchiveRetention(layout, usage, options, clock);

        var report = retention.Run();

        var reader = new ArchiveReader(layout);
        Assert.Equal(new TimeRange(Utc(2026, 12, 1, 1, 30), Utc(2026, 12, 1, 2)), reader.Extent("ch1", "main"));
        Assert.Equal(new TimeRange(Utc(2026, 11, 30, 22), Utc(2026, 12, 1, 2)), reader.Extent("ch7", "main")); // 7-day channel keeps all
        Assert.False(Directory.Exists(layout.DayDir("ch1", "main", new DateOnly(2026, 11, 30))));
        Assert.Equal(3, report.Purged.Count(p => p.WholeHour));
        Assert.Equal(3 * 1800 + 900, report.Purged.Sum(p => p.Segments));
        Assert.Equal(900 * 100, usage.Of("ch1"));
        Assert.All(report.Purged, p => Assert.Equal(("ch1", PurgeReason.Age), (p.Channel, p.Reason)));
        Assert.False(report.AboveAlarm);
    }

    [Fact]
    public void Over_quota_deletes_the_oldest_hours_across_channels_until_under_and_alarms_above_ninety_percent()
    {
        var layout = new ArchiveLayout(TempRoot());
        var usage = new ArchiveUsage();
        var writer = new ArchiveWriter(layout, usage);
        Record(writer, "ch-a", "main", Utc(2026, 12, 1, 0), Utc(2026, 12, 1, 3), size: 100); // 3 hours × 180 kB
        Record(writer, "ch-b", "main", Utc(2026, 12, 1, 1), Utc(2026, 12, 1, 4), size: 100);
        var perHour = 1800 * 100L;
        var clock = new ManualClock(Utc(2026, 12, 1, 4));
        var retention = new ArchiveRetention(layout, usage, new ArchiveRetentionOptions { QuotaBytes = 4 * perHour + perHour / 5 }, clock);

        var report = retention.Run();

        // Oldest first across channels; at a tie (01:00 in both) the first channel in name order goes.
        Assert.Equal([("ch-a", Utc(2026, 12, 1, 0)), ("ch-a", Utc(2026, 12, 1, 1))], report.Purged.Select(p => (p.Channel, p.Hour)));
        Assert.All(report.Purged, p => Assert.Equal(PurgeReason.Quota, p.Reason));
        Assert.Equal(4 * perHour, report.UsageBytes);
        Assert.Equal(new ArchiveReader(layout).Scan().Usage.Total, report.UsageBytes);
        Assert.True(report.AboveAlarm); // 4 of 4.2 hours: 95 % of the quota
    }

    [Fact]
    public void Restart_rediscovers_usage_deletes_stale_temp_files_and_keeps_fresh_ones()
    {
        var root = TempRoot();
        var layout = new ArchiveLayout(root);
        var usage = new ArchiveUsage();
        Record(new ArchiveWriter(layout, usage), "ch1", "main", Utc(2026, 12, 1, 0), Utc(2026, 12, 1, 0, 10), size: 1000);
        var dir = layout.HourDir("ch1", "main", Utc(2026, 12, 1, 0));
        var stale = Path.Combine(dir, ArchiveWriter.TempName("1764547800000-2000.ts"));
        var fresh = Path.Combine(dir, ArchiveWriter.TempName("1764547802000-2000.ts"));
        File.WriteAllBytes(stale, new byte[50]);
        File.WriteAllBytes(fresh, new byte[50]);
        var now = Utc(2026, 12, 1, 0, 20);
        File.SetLastWriteTimeUtc(stale, now.AddMinutes(-2).UtcDateTime);
        File.SetLastWriteTimeUtc(fresh, now.AddSeconds(-10).UtcDateTime);

        var (retention, scan, deleted) = ArchiveRetention.Rediscover(new ArchiveLayout(root), new ArchiveRetentionOptions(), new ManualClock(now));

        Assert.Equal(1, deleted);
        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(fresh));
        Assert.Equal(usage.Total, retention.Usage.Total);
        Assert.Equal(300, scan.Segments["ch1"]);
        Assert.Equal(300, new ArchiveReader(layout).Segments("ch1", "main", Utc(2026, 12, 1, 0), Utc(2026, 12, 1, 1)).Count);
    }
}
