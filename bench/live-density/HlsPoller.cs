using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Inspur.Media.Hls;

namespace Inspur.Bench.LiveDensity;

/// <summary>A segment (Part = -1) or part seen for the first time in a playlist reload that returned at <see cref="At"/>.</summary>
internal sealed record Appearance(long Msn, int Part, long At, bool WithOthers)
{
    /// <summary>For a segment its first video PTS, for a part its last one; -1 until fetched (or when the fetch failed).</summary>
    public long Pts { get; set; } = -1;

    /// <summary>A segment's full size in bytes (from the Content-Range of the ranged GET); -1 when unknown.</summary>
    public long Size { get; set; } = -1;

    /// <summary>Why the fetch gave no PTS, if it did not.</summary>
    public string? Problem { get; set; }
}

/// <summary>
/// Follows one live rendition of our node like an LL-HLS client: a plain reload until the playlist exists, then blocking
/// reloads for the next segment (<c>_HLS_msn</c>) or the next part (<c>_HLS_msn</c> + <c>_HLS_part</c>). Notes when each
/// new segment or part first shows up, then fetches what tells which frames it holds: the first 20 packets of a segment
/// (byte range) for its first PTS and, from Content-Range, its size; a whole part for its last PTS.
/// </summary>
internal sealed class HlsPoller(HttpClient http, string renditionUrl, TsTimeline ts, bool parts)
{
    private readonly ConcurrentQueue<Task> _fetches = new();

    public ConcurrentQueue<Appearance> Seen { get; } = new();

    public long Errors { get; private set; }

    public async Task RunAsync(CancellationToken ct)
    {
        var known = new HashSet<(long, int)>();
        var baseline = true;
        long? nextMsn = null;
        int? nextPart = null;
        while (!ct.IsCancellationRequested)
        {
            var url = renditionUrl + "index.m3u8" + (nextMsn is { } m
                ? $"?_HLS_msn={m}" + (nextPart is { } p ? $"&_HLS_part={p}" : "")
                : "");
            string text;
            long at;
            try
            {
                using var response = await http.GetAsync(url, ct);
                text = await response.Content.ReadAsStringAsync(ct);
                at = Stopwatch.GetTimestamp();
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    // 503: not started yet, or the awaited object did not come within three target durations.
                    if (response.StatusCode != HttpStatusCode.ServiceUnavailable) Errors++;
                    if (nextMsn is null || response.StatusCode == HttpStatusCode.BadRequest) nextMsn = nextPart = null;
                    if (nextMsn is null) await Task.Delay(100, ct);
                    continue;
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                Errors++;
                await Task.Delay(100, CancellationToken.None);
                continue;
            }

            var playlist = PlaylistParser.ParseMedia(text);
            var fresh = new List<(long Msn, int Part, string Uri)>();
            long lastSegment = -1;
            foreach (var s in playlist.Segments)
            {
                var msn = Msn(s.Uri);
                lastSegment = msn;
                if (parts) Parts(s.Parts, fresh, known);
                if (known.Add((msn, -1))) fresh.Add((msn, -1, s.Uri));
            }

            if (parts) Parts(playlist.TrailingParts, fresh, known);

            if (!baseline)
            {
                var segments = fresh.Count(x => x.Part < 0);
                var partsSeen = fresh.Count - segments;
                foreach (var (msn, part, uri) in fresh)
                {
                    var seen = new Appearance(msn, part, at, (part < 0 ? segments : partsSeen) > 1);
                    Seen.Enqueue(seen);
                    _fetches.Enqueue(FetchAsync(seen, uri));
                }
            }

            baseline = false;
            if (parts && playlist.TrailingParts.Count > 0)
            {
                var last = playlist.TrailingParts[^1].Uri;
                nextMsn = Msn(last);
                nextPart = PartIndex(last) + 1;
            }
            else
            {
                nextMsn = lastSegment + 1;
                nextPart = parts ? 0 : null;
            }
        }
    }

    /// <summary>Waits for the fetches still running (each is bounded by the client's timeout).</summary>
    public Task DrainAsync() => Task.WhenAll(_fetches);

    private static void Parts(IReadOnlyList<HlsPart> list, List<(long, int, string)> fresh, HashSet<(long, int)> known)
    {
        foreach (var p in list)
        {
            var key = (Msn(p.Uri), PartIndex(p.Uri));
            if (known.Add(key)) fresh.Add((key.Item1, key.Item2, p.Uri));
        }
    }

    private async Task FetchAsync(Appearance seen, string uri)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, renditionUrl + uri);
            if (seen.Part < 0) request.Headers.Range = new RangeHeaderValue(0, 20 * 188 - 1);
            using var response = await http.SendAsync(request);
            if (!response.IsSuccessStatusCode)
            {
                seen.Problem = $"GET {uri}: {(int)response.StatusCode}";
                return;
            }

            var bytes = await response.Content.ReadAsByteArrayAsync();
            seen.Size = response.Content.Headers.ContentRange?.Length ?? response.Content.Headers.ContentLength ?? -1;
            seen.Pts = ts.VideoPts(bytes, last: seen.Part >= 0);
            if (seen.Pts < 0) seen.Problem = $"GET {uri}: no video PES start in {bytes.Length} bytes";
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            seen.Problem = $"GET {uri}: {e.Message}";
        }
    }

    // Our node names segments {msn}.ts and parts {msn}.{part}.ts.
    private static long Msn(string uri) => long.Parse(uri.AsSpan(0, uri.IndexOf('.')), CultureInfo.InvariantCulture);

    private static int PartIndex(string uri)
    {
        var a = uri.IndexOf('.') + 1;
        return int.Parse(uri.AsSpan(a, uri.IndexOf('.', a) - a), CultureInfo.InvariantCulture);
    }
}
