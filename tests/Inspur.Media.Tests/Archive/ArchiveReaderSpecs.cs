using Inspur.Media.Archive;
using static Inspur.Media.Tests.Archive.ArchiveTesting;

namespace Inspur.Media.Tests.Archive;

public sealed class ArchiveReaderSpecs
{
    [Fact]
    public void Segments_written_across_an_hour_and_a_day_boundary_read_back_contiguous_with_none_missing_or_repeated()
    {
        var layout = new ArchiveLayout(TempRoot());
        var writer = new ArchiveWriter(layout, new ArchiveUsage());
        var from = Utc(2026, 11, 30, 23, 58);
        var to = Utc(2026, 12, 1, 1, 2);
        Record(writer, "ch1", "main", from, to);
        var reader = new ArchiveReader(layout);

        var segments = reader.Segments("ch1", "main", from, to);

        Assert.Equal((int)((to - from).TotalSeconds / 2), segments.Count);
        for (var i = 1; i < segments.Count; i++) Assert.Equal(segments[i - 1].End, segments[i].Start);
        Assert.Equal(from, segments[0].Start);
        Assert.Equal(to, segments[^1].End);
        Assert.True(Directory.Exists(layout.HourDir("ch1", "main", Utc(2026, 11, 30, 23))));
        Assert.True(Directory.Exists(layout.HourDir("ch1", "main", Utc(2026, 12, 1, 0))));
        Assert.All(segments, s => Assert.True(layout.TryParse(s.Path, out _, out _, out var parsed) && parsed == s));
    }

    [Fact]
    public void A_range_starting_inside_a_segment_includes_that_segment_even_from_the_previous_hour()
    {
        var layout = new ArchiveLayout(TempRoot());
        var writer = new ArchiveWriter(layout, new ArchiveUsage());
        writer.Write("ch1", "main", Segment(Utc(2026, 12, 1, 9, 59, 59)), new byte[1]); // covers 09:59:59–10:00:01
        writer.Write("ch1", "main", Segment(Utc(2026, 12, 1, 10, 0, 1)), new byte[1]);

        var segments = new ArchiveReader(layout).Segments("ch1", "main", Utc(2026, 12, 1, 10), Utc(2026, 12, 1, 10, 0, 2));

        Assert.Equal([Utc(2026, 12, 1, 9, 59, 59), Utc(2026, 12, 1, 10, 0, 1)], segments.Select(s => s.Start));
        Assert.Empty(new ArchiveReader(layout).Segments("ch1", "main", Utc(2026, 12, 1, 10, 0, 3), Utc(2026, 12, 1, 10, 0, 2)));
    }

    [Fact]
    public void Availability_joins_adjacent_segments_and_names_the_gaps_of_the_day()
    {
        var layout = new ArchiveLayout(TempRoot());
        var writer = new ArchiveWriter(layout, new ArchiveUsage());
        Record(writer, "ch1", "main", Utc(2026, 12, 1, 1), Utc(2026, 12, 1, 1, 10));
        // 40 ms of jitter between segments still joins; a 5-minute outage is a gap.
        writer.Write("ch1", "main", Segment(Utc(2026, 12, 1, 1, 10, 0, 40)), new byte[1]);
        Record(writer, "ch1", "main", Utc(2026, 12, 1, 1, 15, 2), Utc(2026, 12, 1, 2, 0));
        Record(writer, "ch1", "main", Utc(2026, 12, 2, 0), Utc(2026, 12, 2, 0, 1)); // next day: not in this day's map

        var map = new ArchiveReader(layout).Availability("ch1", "main", new DateOnly(2026, 12, 1));

        Assert.Equal([new TimeRange(Utc(2026, 12, 1, 1), Utc(2026, 12, 1, 1, 10, 2, 40)), new TimeRange(Utc(2026, 12, 1, 1, 15, 2), Utc(2026, 12, 1, 2))], map.Ranges);
        Assert.Equal([new TimeRange(Utc(2026, 12, 1, 1, 10, 2, 40), Utc(2026, 12, 1, 1, 15, 2))], map.Gaps);
        Assert.Empty(new ArchiveReader(layout).Availability("ch1", "main", new DateOnly(2026, 11, 30)).Ranges);
    }

    [Fact]
    public void Extent_is_the_first_start_and_last_end_and_torn_temp_files_are_never_listed()
    {
        var layout = new ArchiveLayout(TempRoot());
        var writer = new ArchiveWriter(layout, new ArchiveUsage());
        var reader = new ArchiveReader(layout);
        Assert.Null(reader.Extent("ch1", "main"));
        Record(writer, "ch1", "main", Utc(2026, 11, 29, 22, 30), Utc(2026, 11, 29, 23, 30));
        Record(writer, "ch1", "main", Utc(2026, 12, 1, 3), Utc(2026, 12, 1, 3, 0, 10));
        var torn = layout.SegmentPath("ch1", "main", Utc(2026, 12, 1, 4), TimeSpan.FromSeconds(2));
        Directory.CreateDirectory(Path.GetDirectoryName(torn)!);
        File.WriteAllBytes(Path.Combine(Path.GetDirectoryName(torn)!, ArchiveWriter.TempName(Path.GetFileName(torn))), new byte[7]);

        Assert.Equal(new TimeRange(Utc(2026, 11, 29, 22, 30), Utc(2026, 12, 1, 3, 0, 10)), reader.Extent("ch1", "main"));
        Assert.Empty(reader.Segments("ch1", "main", Utc(2026, 12, 1, 4), Utc(2026, 12, 1, 5)));
    }

    [Fact]
    public void A_new_reader_over_an_existing_root_sees_the_same_extent_and_usage_as_the_writer_counted()
    {
        var root = TempRoot();
        var usage = new ArchiveUsage();
        var writer = new ArchiveWriter(new ArchiveLayout(root), usage);
        Record(writer, "ch1", "main", Utc(2026, 12, 1, 0, 50), Utc(2026, 12, 1, 1, 10), size: 1000);
        Record(writer, "ch1", "720p", Utc(2026, 12, 1, 0, 50), Utc(2026, 12, 1, 1, 10), size: 500);
        Record(writer, "ch2", "main", Utc(2026, 12, 1, 5), Utc(2026, 12, 1, 5, 1), size: 188);
        var before = new ArchiveReader(new ArchiveLayout(root)).Extent("ch1", "main");

        var restarted = new ArchiveReader(new ArchiveLayout(root));
        var scan = restarted.Scan();

        Assert.Equal(before, restarted.Extent("ch1", "main"));
        Assert.Equal(usage.ByChannel, scan.Usage.ByChannel);
        Assert.Equal(600 * 1000 + 600 * 500, scan.Usage.Of("ch1"));
        Assert.Equal(1200, scan.Segments["ch1"]);
    }
}
