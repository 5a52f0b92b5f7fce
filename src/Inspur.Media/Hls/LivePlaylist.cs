using Inspur.Media.Segmenting;

namespace Inspur.Media.Hls;

/// <summary>How a live rendition names its objects and which LL-HLS features it offers.</summary>
public sealed record LivePlaylistOptions
{
    public required Func<long, string> SegmentUri { get; init; }

    /// <summary>URI of part <c>index</c> of segment <c>sequence</c>; needed when the window carries parts.</summary>
    public Func<long, int, string>? PartUri { get; init; }

    /// <summary>LL-HLS part target; null for a plain live playlist.</summary>
    public TimeSpan? PartTarget { get; init; }

    /// <summary>Offer delta updates (EXT-X-SKIP) to clients that ask with <c>_HLS_skip=YES</c>.</summary>
    public bool CanSkip { get; init; }

    public IReadOnlyList<HlsRenditionReport> RenditionReports { get; init; } = [];

    /// <summary>The AES-128 key of the segment that starts at the given program date-time; null: segments are in the clear.</summary>
    public Func<DateTimeOffset, HlsKey>? Key { get; init; }
}

/// <summary>Turns a <see cref="LiveWindowSnapshot"/> into the media playlist a client gets on a reload.</summary>
public static class LivePlaylist
{
    public static MediaPlaylist Render(LiveWindowSnapshot window, LivePlaylistOptions options, bool skip = false)
    {
        var configured = (int)Math.Ceiling(window.TargetDuration.TotalSeconds);
        var target = configured;
        foreach (var s in window.Segments) target = Math.Max(target, (int)Math.Round(s.Duration.TotalSeconds, MidpointRounding.AwayFromZero));

        var ll = options.PartTarget is not null;
        var canSkipUntil = options.CanSkip ? TimeSpan.FromSeconds(target * 6) : (TimeSpan?)null;
        var skipped = skip && canSkipUntil is { } until ? Skippable(window, until) : 0;

        var parts = ll ? window.Parts.GroupBy(p => p.Sequence).ToDictionary(g => g.Key, g => g.OrderBy(p => p.Index).ToList()) : [];
        var segments = new List<HlsSegment>(window.Segments.Length - skipped);
        for (var i = skipped; i < window.Segments.Length; i++)
        {
            var s = window.Segments[i];
            segments.Add(new HlsSegment(options.SegmentUri(s.Sequence), s.Duration)
            {
                ProgramDateTime = s.ProgramDateTime,
                Discontinuity = s.Discontinuity,
                Key = options.Key?.Invoke(s.ProgramDateTime),
                Parts = parts.TryGetValue(s.Sequence, out var own) ? own.Select(p => Part(options, p)).ToList() : [],
            });
        }

        var next = window.NextSequence;
        var trailing = parts.TryGetValue(next, out var open) ? open.Select(p => Part(options, p)).ToList() : [];
        return new MediaPlaylist
        {
            TargetDuration = target,
            MediaSequence = window.MediaSequence,
            DiscontinuitySequence = window.DiscontinuitySequence,
            IndependentSegments = true,
            ServerControl = ll || options.CanSkip
                ? new HlsServerControl(ll, ll ? options.PartTarget!.Value * 3 : null, canSkipUntil)
                : null,
            PartTarget = options.PartTarget,
            SkippedSegments = skipped,
            Segments = segments,
            TrailingParts = trailing,
            PreloadHintUri = ll && options.PartUri is { } uri && !window.Segments.IsEmpty ? uri(next, trailing.Count) : null,
            RenditionReports = options.RenditionReports,
        };
    }

    /// <summary>Segments that end more than <paramref name="until"/> before the live edge (RFC 8216bis §6.2.5.1).</summary>
    private static int Skippable(LiveWindowSnapshot window, TimeSpan until)
    {
        var fromEnd = TimeSpan.Zero;
        var keep = 0;
        for (var i = window.Segments.Length - 1; i >= 0; i--)
        {
            if (fromEnd >= until) break;
            fromEnd += window.Segments[i].Duration;
            keep++;
        }

        return window.Segments.Length - keep;
    }

    private static HlsPart Part(LivePlaylistOptions options, PartInfo p) =>
        new((options.PartUri ?? throw new PlaylistException("parts need a PartUri"))(p.Sequence, p.Index), p.Duration, p.Independent);
}
