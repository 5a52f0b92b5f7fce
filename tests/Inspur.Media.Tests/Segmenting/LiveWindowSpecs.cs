using Inspur.Media.Segmenting;

namespace Inspur.Media.Tests.Segmenting;

public sealed class LiveWindowSpecs
{
    private static readonly TimeSpan Two = TimeSpan.FromSeconds(2);
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    private static SegmentInfo Segment(long seq, double seconds = 2, bool discontinuity = false, int parts = 0) =>
        new(seq, seq * 180_000, T0.AddSeconds(seq * 2), TimeSpan.FromSeconds(seconds), 1000, discontinuity, parts);

    [Fact]
    public void Keeps_at_least_three_target_durations_and_slides()
    {
        var window = new LiveWindow(Two);
        var snapshots = new List<LiveWindowSnapshot>();
        for (var seq = 100; seq < 120; seq++)
        {
            window.AddSegment(Segment(seq));
            snapshots.Add(window.Snapshot);
        }

        var last = window.Snapshot;
        Assert.Equal(TimeSpan.FromSeconds(6), last.Duration);
        Assert.Equal(117, last.MediaSequence);
        Assert.Equal(120, last.NextSequence);
        Assert.All(snapshots.Skip(3), s => Assert.True(s.Duration >= 3 * Two));
        var sequences = snapshots.Select(s => s.MediaSequence).ToList();
        Assert.Equal(sequences.Order(), sequences);
    }

    [Fact]
    public void A_longer_window_is_honoured_but_never_a_shorter_one()
    {
        Assert.Equal(TimeSpan.FromSeconds(6), new LiveWindow(Two, TimeSpan.FromSeconds(1)).MinDuration);
        var window = new LiveWindow(Two, TimeSpan.FromSeconds(30));
        for (var seq = 0; seq < 40; seq++) window.AddSegment(Segment(seq));

        Assert.Equal(TimeSpan.FromSeconds(30), window.Snapshot.Duration);
    }

    [Fact]
    public void Discontinuities_sliding_out_advance_the_discontinuity_sequence()
    {
        var window = new LiveWindow(Two);
        for (var seq = 0; seq < 10; seq++) window.AddSegment(Segment(seq, discontinuity: seq is 4 or 6));

        var s = window.Snapshot;
        Assert.Equal(7, s.MediaSequence);
        Assert.Equal(2, s.DiscontinuitySequence);
        Assert.DoesNotContain(s.Segments, x => x.Discontinuity);
    }

    [Fact]
    public void Parts_are_kept_for_the_newest_segments_and_the_one_in_progress()
    {
        var window = new LiveWindow(Two, TimeSpan.FromSeconds(12), partSegments: 2);
        for (var seq = 0; seq < 8; seq++)
        {
            for (var i = 0; i < 4; i++) window.AddPart(new PartInfo(seq, i, 0, TimeSpan.FromMilliseconds(500), i == 0, i * 100, 100));
            window.AddSegment(Segment(seq, parts: 4));
        }

        window.AddPart(new PartInfo(8, 0, 0, TimeSpan.FromMilliseconds(500), true, 0, 100));

        var parts = window.Snapshot.Parts;
        Assert.Equal([6L, 7L, 8L], parts.Select(p => p.Sequence).Distinct());
        Assert.Equal(9, parts.Length);
    }

    [Fact]
    public void Before_the_first_segment_completes_the_window_starts_at_the_segment_in_progress()
    {
        var window = new LiveWindow(Two);
        window.AddPart(new PartInfo(900, 0, 0, TimeSpan.FromMilliseconds(400), true, 0, 100));

        Assert.Equal(900, window.Snapshot.MediaSequence);
        Assert.Equal(900, window.Snapshot.NextSequence);
        window.AddSegment(Segment(900));
        Assert.Equal(900, window.Snapshot.MediaSequence);
        Assert.Equal(901, window.Snapshot.NextSequence);
    }

    [Fact]
    public void Sequence_numbers_must_increase()
    {
        var window = new LiveWindow(Two);
        window.AddSegment(Segment(5));

        Assert.Throws<ArgumentException>(() => window.AddSegment(Segment(5)));
        Assert.Throws<ArgumentException>(() => window.AddSegment(Segment(4)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LiveWindow(TimeSpan.Zero));
    }
}
