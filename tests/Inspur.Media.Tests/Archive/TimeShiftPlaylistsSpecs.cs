using Inspur.Media.Archive;
using Inspur.Media.Hls;
using Inspur.Media.Segmenting;
using Inspur.Media.Tests.Segmenting;
using Xunit.Abstractions;
using static Inspur.Media.Tests.Archive.ArchiveTesting;

namespace Inspur.Media.Tests.Archive;

public sealed class TimeShiftPlaylistsSpecs(ITestOutputHelper output)
{
    private static string Uri(ArchivedSegment s) => Path.GetFileName(s.Path);

    private static (ArchiveLayout Layout, ArchiveWriter Writer, ManualClock Clock, TimeShiftPlaylists Playlists) Archive(DateTimeOffset now)
    {
        var layout = new ArchiveLayout(TempRoot());
        var clock = new ManualClock(now);
        return (layout, new ArchiveWriter(layout, new ArchiveUsage()), clock, new TimeShiftPlaylists(new ArchiveReader(layout), clock));
    }

    [Fact]
    public void A_past_range_across_a_day_boundary_is_a_vod_playlist_with_every_segment_once_and_in_order()
    {
        var (_, writer, _, playlists) = Archive(Utc(2026, 12, 2, 12));
        Record(writer, "ch1", "main", Utc(2026, 11, 30, 23, 50), Utc(2026, 12, 1, 0, 10));

        var result = Assert.IsType<TimeShiftPlaylist>(playlists.Range("ch1", "main", Utc(2026, 11, 30, 23, 55), Utc(2026, 12, 1, 0, 5), Uri));
        var p = result.Playlist;

        Assert.Equal((PlaylistType.Vod, true), (p.Type, p.EndList));
        Assert.Equal(300, p.Segments.Count);
        Assert.Equal(p.Segments.Count, p.Segments.Select(s => s.Uri).Distinct().Count());
        for (var i = 1; i < p.Segments.Count; i++) Assert.Equal(p.Segments[i - 1].ProgramDateTime + p.Segments[i - 1].Duration, p.Segments[i].ProgramDateTime);
        Assert.Equal(Utc(2026, 11, 30, 23, 55), p.Segments[0].ProgramDateTime);
        Assert.Equal(EpochSequence.For(Utc(2026, 11, 30, 23, 55), TimeSpan.FromSeconds(2)), p.MediaSequence);
        Assert.Null(p.Start);
        Assert.DoesNotContain(p.Segments, s => s.Gap || s.Discontinuity);
        var text = result.Text;
        Assert.Contains("#EXT-X-PLAYLIST-TYPE:VOD\n", text);
        Assert.EndsWith("#EXT-X-ENDLIST\n", text);
    }

    [Fact]
    public void A_range_still_being_recorded_is_an_event_playlist_without_endlist()
    {
        var (_, writer, _, playlists) = Archive(Utc(2026, 12, 1, 10, 0, 30));
        Record(writer, "ch1", "main", Utc(2026, 12, 1, 9, 50), Utc(2026, 12, 1, 10, 0, 30));

        var p = Assert.IsType<TimeShiftPlaylist>(playlists.Range("ch1", "main", Utc(2026, 12, 1, 9, 55), TimeSpan.FromMinutes(30), Uri)).Playlist;

        Assert.Equal((PlaylistType.Event, false), (p.Type, p.EndList));
        Assert.Equal(165, p.Segments.Count);
    }

    [Fact]
    public void Twenty_random_times_position_within_one_segment_by_program_date_time_and_exactly_with_time_offset()
    {
        var (_, writer, _, playlists) = Archive(Utc(2026, 12, 3, 0));
        var random = new Random(20261201);
        var t = Utc(2026, 12, 1, 22);
        var end = Utc(2026, 12, 2, 2);
        while (t < end) // 1.5–2.5 s segments, as a real GOP-cut feed has them
        {
            var duration = TimeSpan.FromMilliseconds(random.Next(1500, 2501));
            writer.Write("ch1", "main", Segment(t, duration), new byte[188]);
            t += duration;
        }

        var worstPdt = TimeSpan.Zero;
        var worstExact = TimeSpan.Zero;
        for (var i = 0; i < 20; i++)
        {
            var at = Utc(2026, 12, 1, 22).AddMilliseconds(random.NextInt64(0, (long)(end - Utc(2026, 12, 1, 22)).TotalMilliseconds - 3_600_000));
            var result = Assert.IsType<TimeShiftPlaylist>(playlists.Range("ch1", "main", at, TimeSpan.FromHours(1), Uri));
            var pdt = result.Playlist.Segments[0].ProgramDateTime!.Value;
            var error = at - pdt;
            Assert.InRange(error, TimeSpan.Zero, result.Playlist.Segments[0].Duration);
            var exact = (pdt + (result.Playlist.Start?.Offset ?? TimeSpan.Zero) - at).Duration();
            worstPdt = error > worstPdt ? error : worstPdt;
            worstExact = exact > worstExact ? exact : worstExact;
        }

        output.WriteLine($"worst first-segment PROGRAM-DATE-TIME error {worstPdt.TotalMilliseconds:0} ms; with EXT-X-START TIME-OFFSET {worstExact.TotalMilliseconds:0} ms");
        Assert.True(worstPdt <= TimeSpan.FromSeconds(2.5));
        Assert.Equal(TimeSpan.Zero, worstExact);
    }

    [Fact]
    public void A_gap_in_the_archive_is_a_discontinuity_with_a_fresh_date_or_gap_entries_never_an_error()
    {
        var (layout, writer, _, playlists) = Archive(Utc(2026, 12, 2, 0));
        Record(writer, "ch1", "main", Utc(2026, 12, 1, 10), Utc(2026, 12, 1, 10, 1));
        Record(writer, "ch1", "main", Utc(2026, 12, 1, 10, 1, 7), Utc(2026, 12, 1, 10, 2, 1)); // 7 s outage

        var plain = Assert.IsType<TimeShiftPlaylist>(playlists.Range("ch1", "main", Utc(2026, 12, 1, 10), Utc(2026, 12, 1, 10, 3), Uri)).Playlist;
        var resumed = plain.Segments[30];
        Assert.True(resumed.Discontinuity);
        Assert.Equal(Utc(2026, 12, 1, 10, 1, 7), resumed.ProgramDateTime);
        Assert.Single(plain.Segments, s => s.Discontinuity);

        var gapped = Assert.IsType<TimeShiftPlaylist>(playlists.Range("ch1", "main", Utc(2026, 12, 1, 10), Utc(2026, 12, 1, 10, 3), Uri, gap => "gap.ts"));
        var holes = gapped.Playlist.Segments.Where(s => s.Gap).ToList();
        Assert.Equal(4, gapped.GapEntries);
        Assert.Equal(TimeSpan.FromSeconds(7), TimeSpan.FromTicks(holes.Sum(s => s.Duration.Ticks)));
        Assert.Equal(Utc(2026, 12, 1, 10, 1), holes[0].ProgramDateTime);
        Assert.Contains("#EXT-X-GAP\n", gapped.Text);
        Assert.True(gapped.Playlist.Segments[34].Discontinuity);
        Assert.Equal(Utc(2026, 12, 1, 10), new ArchiveReader(layout).Availability("ch1", "main", new DateOnly(2026, 12, 1)).Ranges[0].From);
    }

    [Fact]
    public void Live_with_offset_slides_a_window_of_at_least_three_targets_ending_at_now_minus_the_offset()
    {
        var (_, writer, clock, playlists) = Archive(Utc(2026, 12, 1, 12, 30));
        Record(writer, "ch1", "main", Utc(2026, 12, 1, 12), Utc(2026, 12, 1, 12, 30));

        var a = Assert.IsType<TimeShiftPlaylist>(playlists.LiveWithOffset("ch1", "main", TimeSpan.FromMinutes(10), Uri)).Playlist;
        clock.Now += TimeSpan.FromSeconds(4);
        var b = Assert.IsType<TimeShiftPlaylist>(playlists.LiveWithOffset("ch1", "main", TimeSpan.FromMinutes(10), Uri)).Playlist;

        Assert.Equal((PlaylistType.Live, false), (a.Type, a.EndList));
        Assert.Equal(15, a.Segments.Count);
        Assert.Equal(Utc(2026, 12, 1, 12, 20), a.Segments[^1].ProgramDateTime + a.Segments[^1].Duration);
        Assert.Equal(a.MediaSequence + 2, b.MediaSequence);
        Assert.Equal(a.Segments[2].Uri, b.Segments[0].Uri);
        Assert.Throws<ArgumentException>(() => playlists.LiveWithOffset("ch1", "main", TimeSpan.FromMinutes(31), Uri));
        Assert.Throws<ArgumentException>(() => playlists.LiveWithOffset("ch1", "main", TimeSpan.FromSeconds(-1), Uri));
    }

    [Fact]
    public void Bad_ranges_are_argument_errors_and_a_range_outside_the_archive_says_which_range_exists()
    {
        var (_, writer, _, playlists) = Archive(Utc(2026, 12, 2, 0));
        Record(writer, "ch1", "main", Utc(2026, 12, 1, 10), Utc(2026, 12, 1, 11));
        var at = Utc(2026, 12, 1, 10, 30);

        Assert.Contains("must be after", Assert.Throws<ArgumentException>(() => playlists.Range("ch1", "main", at, at, Uri)).Message);
        Assert.Contains("must be after", Assert.Throws<ArgumentException>(() => playlists.Range("ch1", "main", at, at.AddSeconds(-1), Uri)).Message);
        Assert.Contains("at most 24 h", Assert.Throws<ArgumentException>(() => playlists.Range("ch1", "main", at, TimeSpan.FromHours(25), Uri)).Message);
        Assert.Contains("positive", Assert.Throws<ArgumentException>(() => playlists.Range("ch1", "main", at, TimeSpan.FromMinutes(-5), Uri)).Message);
        Assert.Throws<ArgumentException>(() => playlists.Range("../ch1", "main", at, TimeSpan.FromMinutes(5), Uri));

        var future = Assert.IsType<TimeShiftNotAvailable>(playlists.Range("ch1", "main", Utc(2026, 12, 3, 0), TimeSpan.FromHours(1), Uri));
        Assert.Equal(new TimeRange(Utc(2026, 12, 1, 10), Utc(2026, 12, 1, 11)), future.Available);
        var unknown = Assert.IsType<TimeShiftNotAvailable>(playlists.Range("ch9", "main", at, TimeSpan.FromHours(1), Uri));
        Assert.Null(unknown.Available);
    }

    [Fact]
    public async Task A_vod_playlist_of_real_segments_archived_across_an_hour_boundary_plays_in_ffmpeg_without_errors()
    {
        var ts = await MediaSamples.H264Aac(seconds: 12, gop: 50);
        var clock = new ManualClock(Utc(2026, 12, 1, 9, 59, 55));
        var (sink, segmenter) = CollectingSink.Run(ts, new SegmenterOptions { Clock = clock });
        segmenter.Dispose();
        var layout = new ArchiveLayout(TempRoot());
        var writer = new ArchiveWriter(layout, new ArchiveUsage());
        foreach (var (info, bytes) in sink.Segments) Assert.IsType<ArchiveWritten>(writer.Write("ch1", "main", info, bytes));
        var first = sink.Segments[0].Info.ProgramDateTime;
        var last = sink.Segments[^1].Info;
        Assert.NotEqual(ArchiveLayout.HourStart(first), ArchiveLayout.HourStart(last.ProgramDateTime));
        clock.Now = Utc(2026, 12, 1, 12);

        var playlists = new TimeShiftPlaylists(new ArchiveReader(layout), clock);
        var result = Assert.IsType<TimeShiftPlaylist>(playlists.Range("ch1", "main", first, last.ProgramDateTime + last.Duration,
            s => Path.GetRelativePath(layout.Root, s.Path)));
        var path = Path.Combine(layout.Root, "index.m3u8");
        await File.WriteAllTextAsync(path, result.Text);

        Assert.Equal(sink.Segments.Count, result.ArchivedSegments);
        var (code, _, err) = await MediaSamples.Run("ffmpeg", $"-v error -i {path} -f null -");
        Assert.True(code == 0 && err.Trim().Length == 0, $"ffmpeg: {code} {err}\n{result.Text}");
    }
}
