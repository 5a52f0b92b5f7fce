namespace Inspur.Media.Hls;

/// <summary>
/// Checks what a client sees across reloads of one live playlist (RFC 8216 §6.2.1, §6.2.2, §6.3.4): returns the rules
/// broken, empty when all hold.
/// </summary>
public static class PlaylistRules
{
    public static IReadOnlyList<string> CheckReloads(IReadOnlyList<MediaPlaylist> reloads)
    {
        var problems = new List<string>();
        var known = new Dictionary<long, HlsSegment>();
        var knownDiscontinuitySeq = new Dictionary<long, long>();
        MediaPlaylist? previous = null;
        for (var r = 0; r < reloads.Count; r++)
        {
            var p = reloads[r];
            var where = $"reload {r}";
            if (previous is not null && p.MediaSequence < previous.MediaSequence)
                problems.Add($"{where}: EXT-X-MEDIA-SEQUENCE went back from {previous.MediaSequence} to {p.MediaSequence}");
            if (previous is not null && p.DiscontinuitySequence < previous.DiscontinuitySequence)
                problems.Add($"{where}: EXT-X-DISCONTINUITY-SEQUENCE went back");
            // A live window may be short while it fills; once it has slid it must keep 3 target durations (§6.2.2).
            if (p.Type == PlaylistType.Live && !p.EndList && p.MediaSequence > reloads[0].MediaSequence)
            {
                var window = p.Segments.Sum(s => s.Duration.TotalSeconds);
                if (window + 1e-6 < 3 * p.TargetDuration)
                    problems.Add($"{where}: window {window:0.000} s is shorter than 3 target durations");
            }

            var discontinuitySeq = p.DiscontinuitySequence;
            DateTimeOffset? lastPdt = null;
            for (var i = 0; i < p.Segments.Count; i++)
            {
                var s = p.Segments[i];
                var msn = p.MediaSequence + p.SkippedSegments + i;
                if (s.Discontinuity) discontinuitySeq++;
                if (Math.Round(s.Duration.TotalSeconds, MidpointRounding.AwayFromZero) > p.TargetDuration)
                    problems.Add($"{where}: segment {msn} EXTINF {s.Duration.TotalSeconds:0.000} above target {p.TargetDuration}");
                if (known.TryGetValue(msn, out var before) && (before.Uri != s.Uri || before.Duration != s.Duration))
                    problems.Add($"{where}: segment {msn} changed from {before.Uri} ({before.Duration.TotalSeconds:0.000}) to {s.Uri} ({s.Duration.TotalSeconds:0.000})");
                if (knownDiscontinuitySeq.TryGetValue(msn, out var ds) && ds != discontinuitySeq)
                    problems.Add($"{where}: segment {msn} moved from discontinuity sequence {ds} to {discontinuitySeq}");
                if (s.ProgramDateTime is { } pdt)
                {
                    if (lastPdt is { } last && pdt <= last) problems.Add($"{where}: PROGRAM-DATE-TIME of segment {msn} does not increase");
                    lastPdt = pdt;
                }

                known[msn] = s;
                knownDiscontinuitySeq[msn] = discontinuitySeq;
            }

            previous = p;
        }

        return problems;
    }
}
