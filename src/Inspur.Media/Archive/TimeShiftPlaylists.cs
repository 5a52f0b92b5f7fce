using Inspur.Media.Hls;

namespace Inspur.Media.Archive;

/// <summary>How time-shift playlists are cut from the archive.</summary>
public sealed record TimeShiftOptions
{
    /// <summary>The packager's nominal segment duration: numbers media sequences from time and sizes gap entries.</summary>
    public TimeSpan SegmentDuration { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest range one playlist may cover.</summary>
    public TimeSpan MaxRange { get; init; } = TimeSpan.FromHours(24);

    /// <summary>How far behind live "live with offset" may sit (pause-live and drag-back).</summary>
    public TimeSpan MaxOffset { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>Length of the "live with offset" sliding window; never less than three segment durations.</summary>
    public TimeSpan LiveWindow { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>EXT-X-PROGRAM-DATE-TIME on every segment (true) or only on the first and after each gap.</summary>
    public bool ProgramDateTimeOnEverySegment { get; init; } = true;
}

/// <summary>What a time-shift request came to.</summary>
public abstract record TimeShiftResult;

/// <summary>A playlist for the request; <see cref="StartOffset"/> into the first segment is where <c>from</c> is.</summary>
public sealed record TimeShiftPlaylist(MediaPlaylist Playlist, DateTimeOffset FirstSegmentStart, TimeSpan StartOffset, int ArchivedSegments, int GapEntries)
    : TimeShiftResult
{
    public string Text => PlaylistWriter.Write(Playlist);
}

/// <summary>Nothing archived in the requested range; <see cref="Available"/> is what exists (null: nothing), for a 404 that says so.</summary>
public sealed record TimeShiftNotAvailable(TimeRange Requested, TimeRange? Available) : TimeShiftResult;

/// <summary>
/// Builds HLS media playlists straight from the archive's time-addressed files: a VOD or EVENT range, and a sliding
/// "live with offset" window. Gaps become EXT-X-GAP entries (when the caller names a gap URI) or a discontinuity with a
/// fresh EXT-X-PROGRAM-DATE-TIME, never an error.
/// </summary>
public sealed class TimeShiftPlaylists(ArchiveReader reader, TimeProvider clock, TimeShiftOptions? options = null)
{
    public TimeShiftOptions Options { get; } = options ?? new TimeShiftOptions();

    /// <summary>
    /// <c>[from, to)</c> as VOD (<c>to</c> in the past) or EVENT (still being recorded); EXT-X-START puts the player at
    /// <paramref name="from"/> inside the first segment.
    /// </summary>
    /// <param name="segmentUri">The URI of an archived segment (the HTTP layer decides URLs).</param>
    /// <param name="gapUri">The URI for an EXT-X-GAP entry covering a hole; null turns holes into discontinuities.</param>
    /// <param name="key">The AES-128 key (URI and IV) a segment is served under; null: in the clear.</param>
    public TimeShiftResult Range(string channel, string rendition, DateTimeOffset from, DateTimeOffset to,
        Func<ArchivedSegment, string> segmentUri, Func<TimeRange, string>? gapUri = null, Func<ArchivedSegment, HlsKey>? key = null)
    {
        if (to <= from)
            throw new ArgumentException($"the end {to.UtcDateTime:O} must be after the start {from.UtcDateTime:O}", nameof(to));
        if (to - from > Options.MaxRange)
            throw new ArgumentException($"a time-shift playlist covers at most {Options.MaxRange.TotalHours:0.#} h; {(to - from).TotalHours:0.#} h was asked", nameof(to));
        ArchiveLayout.ValidateChannel(channel);
        ArchiveLayout.ValidateRendition(rendition);

        var segments = reader.Segments(channel, rendition, from, to);
        if (segments.Count == 0) return new TimeShiftNotAvailable(new TimeRange(from, to), reader.Extent(channel, rendition));
        var finished = to <= clock.GetUtcNow();
        var offset = from > segments[0].Start ? from - segments[0].Start : TimeSpan.Zero;
        return Build(segments, finished ? PlaylistType.Vod : PlaylistType.Event, finished, offset, segmentUri, gapUri, key);
    }

    /// <summary><c>[from, from + duration)</c>; see <see cref="Range(string, string, DateTimeOffset, DateTimeOffset, Func{ArchivedSegment, string}, Func{TimeRange, string}?)"/>.</summary>
    public TimeShiftResult Range(string channel, string rendition, DateTimeOffset from, TimeSpan duration,
        Func<ArchivedSegment, string> segmentUri, Func<TimeRange, string>? gapUri = null, Func<ArchivedSegment, HlsKey>? key = null)
    {
        if (duration <= TimeSpan.Zero) throw new ArgumentException($"the duration must be positive; {duration} was asked", nameof(duration));
        if (duration > Options.MaxRange)
            throw new ArgumentException($"a time-shift playlist covers at most {Options.MaxRange.TotalHours:0.#} h; {duration.TotalHours:0.#} h was asked", nameof(duration));
        return Range(channel, rendition, from, from + duration, segmentUri, gapUri, key);
    }

    /// <summary>
    /// A live sliding window whose edge is <c>now − offset</c>: the segments that ended within the last
    /// <see cref="TimeShiftOptions.LiveWindow"/> before that edge. Media sequence numbers come from time, so they advance
    /// by one per segment as the window slides.
    /// </summary>
    public TimeShiftResult LiveWithOffset(string channel, string rendition, TimeSpan offset,
        Func<ArchivedSegment, string> segmentUri, Func<TimeRange, string>? gapUri = null, Func<ArchivedSegment, HlsKey>? key = null)
    {
        if (offset < TimeSpan.Zero || offset > Options.MaxOffset)
            throw new ArgumentException($"the offset behind live must be 0–{Options.MaxOffset.TotalMinutes:0} min; {offset} was asked", nameof(offset));
        ArchiveLayout.ValidateChannel(channel);
        ArchiveLayout.ValidateRendition(rendition);

        var edge = clock.GetUtcNow() - offset;
        var window = Options.LiveWindow > Options.SegmentDuration * 3 ? Options.LiveWindow : Options.SegmentDuration * 3;
        var segments = reader.Segments(channel, rendition, edge - window, edge).Where(s => s.End <= edge).ToList();
        if (segments.Count == 0) return new TimeShiftNotAvailable(new TimeRange(edge - window, edge), reader.Extent(channel, rendition));
        return Build(segments, PlaylistType.Live, endList: false, TimeSpan.Zero, segmentUri, gapUri, key);
    }

    private TimeShiftPlaylist Build(IReadOnlyList<ArchivedSegment> segments, PlaylistType type, bool endList, TimeSpan startOffset,
        Func<ArchivedSegment, string> segmentUri, Func<TimeRange, string>? gapUri, Func<ArchivedSegment, HlsKey>? key)
    {
        var entries = new List<HlsSegment>(segments.Count + 4);
        var longest = Options.SegmentDuration;
        var gaps = 0;
        ArchivedSegment? previous = null;
        foreach (var s in segments)
        {
            var afterGap = previous is not null && s.Start - previous.End > ArchiveReader.JoinTolerance;
            if (afterGap && gapUri is not null)
            {
                var hole = new TimeRange(previous!.End, s.Start);
                var count = (int)Math.Ceiling(hole.Duration / Options.SegmentDuration);
                var each = hole.Duration / count;
                for (var i = 0; i < count; i++)
                {
                    var at = hole.From + each * i;
                    entries.Add(new HlsSegment(gapUri(new TimeRange(at, at + each)), each) { Gap = true, ProgramDateTime = at });
                }

                gaps += count;
            }

            entries.Add(new HlsSegment(segmentUri(s), s.Duration)
            {
                Key = key?.Invoke(s),
                ProgramDateTime = previous is null || afterGap || Options.ProgramDateTimeOnEverySegment ? s.Start : null,
                Discontinuity = afterGap,
            });
            if (s.Duration > longest) longest = s.Duration;
            previous = s;
        }

        var playlist = new MediaPlaylist
        {
            TargetDuration = Math.Max(1, (int)Math.Round(longest.TotalSeconds, MidpointRounding.AwayFromZero)),
            MediaSequence = EpochSequence.For(segments[0].Start, Options.SegmentDuration),
            Type = type,
            EndList = endList,
            IndependentSegments = true,
            Start = startOffset > TimeSpan.Zero ? (startOffset, true) : null,
            Segments = entries,
        };
        return new TimeShiftPlaylist(playlist, segments[0].Start, startOffset, segments.Count, gaps);
    }
}
