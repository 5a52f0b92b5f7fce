using System.Collections.Immutable;

namespace Inspur.Media.Segmenting;

/// <summary>What a live playlist shows at one moment: immutable, so HTTP readers never see it half-updated.</summary>
public sealed record LiveWindowSnapshot(
    long MediaSequence,
    long DiscontinuitySequence,
    ImmutableArray<SegmentInfo> Segments,
    ImmutableArray<PartInfo> Parts,
    TimeSpan TargetDuration,
    long Version)
{
    public static readonly LiveWindowSnapshot Empty = new(0, 0, [], [], TimeSpan.Zero, 0);

    public TimeSpan Duration => TimeSpan.FromTicks(Segments.Sum(s => s.Duration.Ticks));

    /// <summary>The sequence number the next segment will have at the earliest (LL-HLS "next MSN").</summary>
    public long NextSequence => Segments.IsEmpty ? MediaSequence : Segments[^1].Sequence + 1;
}

/// <summary>
/// The sliding window of a live rendition: keeps at least <see cref="MinDuration"/> of segments (never less than three
/// target durations, RFC 8216 §6.2.2), counts discontinuities that slide out, and keeps LL-HLS parts only for the
/// newest segments and the one in progress. Publishes an immutable snapshot after every change.
/// </summary>
public sealed class LiveWindow
{
    private readonly Queue<SegmentInfo> _segments = new();
    private readonly List<PartInfo> _parts = new();
    private long _discontinuitySequence;
    private long _version;
    private LiveWindowSnapshot _snapshot = LiveWindowSnapshot.Empty;

    public LiveWindow(TimeSpan targetDuration, TimeSpan? minDuration = null, int partSegments = 3)
    {
        if (targetDuration <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(targetDuration), targetDuration, "must be positive");
        TargetDuration = targetDuration;
        var floor = targetDuration * 3;
        MinDuration = minDuration is { } d && d > floor ? d : floor;
        PartSegments = Math.Max(1, partSegments);
    }

    public TimeSpan TargetDuration { get; }

    public TimeSpan MinDuration { get; }

    /// <summary>How many of the newest complete segments keep their parts listed.</summary>
    public int PartSegments { get; }

    public LiveWindowSnapshot Snapshot => Volatile.Read(ref _snapshot);

    public void AddPart(PartInfo part)
    {
        _parts.Add(part);
        Publish();
    }

    public void AddSegment(SegmentInfo segment)
    {
        if (_segments.Count > 0 && segment.Sequence <= _segments.Last().Sequence)
            throw new ArgumentException($"segment {segment.Sequence} does not follow {_segments.Last().Sequence}", nameof(segment));
        _segments.Enqueue(segment);

        // Slide: drop the oldest while what remains still covers the minimum duration.
        var total = _segments.Aggregate(TimeSpan.Zero, (sum, s) => sum + s.Duration);
        while (_segments.Count > 1 && total - _segments.Peek().Duration >= MinDuration)
        {
            var gone = _segments.Dequeue();
            total -= gone.Duration;
            if (_segments.Peek().Discontinuity) _discontinuitySequence++;
        }

        // Parts stay listed only for the newest complete segments and the segment in progress.
        var keepFrom = _segments.Count > PartSegments ? _segments.ElementAt(_segments.Count - PartSegments).Sequence : _segments.Peek().Sequence;
        _parts.RemoveAll(p => p.Sequence < keepFrom);
        Publish();
    }

    private void Publish()
    {
        var segments = _segments.ToImmutableArray();
        // Before the first segment completes, the playlist starts at the segment whose parts are in progress.
        var first = !segments.IsEmpty ? segments[0].Sequence : _parts.Count > 0 ? _parts[0].Sequence : 0;
        Volatile.Write(ref _snapshot, new LiveWindowSnapshot(first, _discontinuitySequence, segments, [.. _parts], TargetDuration, ++_version));
    }
}
