namespace Inspur.Media.Segmenting;

/// <summary>How a <see cref="Segmenter"/> cuts: target duration, the longest segment it will publish, LL-HLS parts, time anchor.</summary>
public sealed record SegmenterOptions
{
    public TimeSpan TargetDuration { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>A segment still without a following keyframe at this length is dropped (and counted), never published.</summary>
    public TimeSpan MaxDuration { get; init; } = TimeSpan.FromSeconds(6);

    /// <summary>LL-HLS part target (0.333–1 s); null for no parts.</summary>
    public TimeSpan? PartTarget { get; init; }

    /// <summary>A PTS step larger than this (either way) between consecutive access units is a timing break.</summary>
    public TimeSpan PtsJumpThreshold { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Maps stream time to UTC: the UTC of the access unit with this 33-bit PTS. Persist it to let a restarted or standby
    /// packager number segments identically; when null, the first keyframe is anchored to <see cref="Clock"/>'s now.
    /// </summary>
    public TimeAnchor? Anchor { get; init; }

    /// <summary>
    /// An anchor shared by the renditions of one channel (encoded together, so with identical timestamps): the first to
    /// anchor sets it, the others adopt it and so number the same moments alike.
    /// </summary>
    public SharedAnchor? SharedAnchor { get; init; }

    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>
    /// Read before each input chunk: when its value changes, the input has switched source (see
    /// <see cref="Segmenter.SourceChanged"/>). Null when the input never switches.
    /// </summary>
    public Func<long>? SourceGeneration { get; init; }

    public void Validate()
    {
        if (TargetDuration < TimeSpan.FromMilliseconds(500) || TargetDuration > TimeSpan.FromSeconds(30))
            throw new ArgumentOutOfRangeException(nameof(TargetDuration), TargetDuration, "target duration must be 0.5–30 s");
        if (MaxDuration < TargetDuration)
            throw new ArgumentOutOfRangeException(nameof(MaxDuration), MaxDuration, "max duration must be at least the target duration");
        if (PartTarget is { } part && (part < TimeSpan.FromMilliseconds(200) || part > TimeSpan.FromSeconds(2) || part >= TargetDuration))
            throw new ArgumentOutOfRangeException(nameof(PartTarget), part, "part target must be 0.2–2 s and shorter than the target duration");
        if (PtsJumpThreshold <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(PtsJumpThreshold), PtsJumpThreshold, "PTS jump threshold must be positive");
    }
}

/// <summary>One time anchor for several segmenters: the first claim wins, later claims get it.</summary>
public sealed class SharedAnchor
{
    private readonly object _gate = new();
    private TimeAnchor? _anchor;

    public TimeAnchor? Current
    {
        get
        {
            lock (_gate) return _anchor;
        }
    }

    public TimeAnchor Claim(TimeAnchor proposal)
    {
        lock (_gate) return _anchor ??= proposal;
    }
}

/// <summary>The UTC time of one PTS; every other PTS maps by its 90 kHz distance from it.</summary>
public readonly record struct TimeAnchor(DateTimeOffset Utc, long Pts);
