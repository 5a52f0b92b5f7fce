using System.Globalization;
using System.Text.RegularExpressions;
using Inspur.Media.Hls;
using Inspur.Media.Live;

namespace Inspur.Host.Delivery;

/// <summary>
/// Live HLS delivery from the in-memory hot window: master and media playlists (with LL-HLS blocking reload and delta
/// updates), segments and parts, HEAD and byte ranges, CORS for web players. No actor is asked per request.
/// </summary>
public static partial class LiveDelivery
{
    public const string PlaylistType = "application/vnd.apple.mpegurl";
    public const string SegmentType = "video/mp2t";

    public static IEndpointRouteBuilder MapLiveDelivery(this IEndpointRouteBuilder app)
    {
        string[] methods = ["GET", "HEAD"];
        app.MapGet("/live", (LiveRegistry registry) => Results.Ok(Status(registry)));
        app.MapMethods("/live/{channel}/master.m3u8", methods, (string channel, LiveRegistry registry, HttpContext http) => Master(channel, registry, http));
        app.MapMethods("/live/{channel}/keys/{file}", methods, (string channel, string file, LiveRegistry registry, HttpContext http) => Key(channel, file, registry, http));
        app.MapMethods("/live/{channel}/{rendition}/index.m3u8", methods,
            (string channel, string rendition, LiveRegistry registry, HttpContext http, CancellationToken ct) => MediaAsync(channel, rendition, registry, http, ct));
        app.MapMethods("/live/{channel}/{rendition}/{file}", methods,
            (string channel, string rendition, string file, LiveRegistry registry, HttpContext http, CancellationToken ct) => ObjectAsync(channel, rendition, file, registry, http, ct));
        return app;
    }

    /// <summary>What is live on this node, for operators and the landing page.</summary>
    public sealed record LiveChannelStatus(string Channel, string Master, IReadOnlyList<LiveRenditionStatus> Renditions);

    public sealed record LiveRenditionStatus(string Name, long? LastSequence, DateTimeOffset? LastProgramDateTime, long? Bitrate, string? Codecs, bool LowLatency);

    private static IReadOnlyList<LiveChannelStatus> Status(LiveRegistry registry) =>
        registry.Channels.Order().Select(channel => new LiveChannelStatus(channel, $"/live/{channel}/master.m3u8",
            registry.Renditions(channel).Select(r =>
            {
                var last = r.Snapshot.Segments.IsEmpty ? null : r.Snapshot.Segments[^1];
                return new LiveRenditionStatus(r.Name, last?.Sequence, last?.ProgramDateTime, last?.Bitrate, r.Description?.Codecs, r.PartTarget is not null);
            }).ToList())).ToList();

    private static IResult Master(string channel, LiveRegistry registry, HttpContext http)
    {
        var renditions = registry.Renditions(channel);
        if (renditions.Count == 0) return NotLive(channel);
        var variants = new List<HlsVariant>();
        foreach (var r in renditions)
        {
            var segments = r.Snapshot.Segments;
            if (segments.IsEmpty || r.Description is null) continue;
            variants.Add(VariantFromStream.Create($"{r.Name}/index.m3u8", r.Description, segments.Select(s => s).ToList()));
        }

        if (variants.Count == 0) return Starting(channel);
        Headers(http, "no-cache");
        return Results.Text(PlaylistWriter.Write(new MasterPlaylist { Variants = variants.OrderByDescending(v => v.Bandwidth).ToList() }), PlaylistType);
    }

    private static async Task<IResult> MediaAsync(string channel, string name, LiveRegistry registry, HttpContext http, CancellationToken ct)
    {
        if (!registry.TryGet(channel, name, out var rendition)) return NotLive(channel, name);
        var query = http.Request.Query;
        if (!TryBlockingRequest(query, rendition, out var msn, out var part, out var skip, out var problem)) return problem!;
        if (rendition.Snapshot.Segments.IsEmpty && rendition.Snapshot.Parts.IsEmpty && msn is null) return Starting(channel);

        if (msn is { } wanted)
        {
            // LL-HLS blocking reload: answer as soon as the awaited segment or part exists, within three target durations.
            var arrived = await rendition.WaitForAsync(wanted, part, rendition.TargetDuration * 3, ct);
            if (!arrived)
                return Results.Problem($"_HLS_msn={wanted}{(part is null ? "" : $" _HLS_part={part}")} did not arrive within three target durations",
                    statusCode: StatusCodes.Status503ServiceUnavailable, title: "Not yet available");
        }

        Headers(http, "no-cache");
        return Results.Text(rendition.Playlist(skip), PlaylistType);
    }

    private static async Task<IResult> ObjectAsync(string channel, string name, string file, LiveRegistry registry, HttpContext http, CancellationToken ct)
    {
        var match = ObjectName().Match(file);
        if (!match.Success)
            return Results.Problem($"'{Truncate(file)}' is not a segment or part name", statusCode: StatusCodes.Status400BadRequest, title: "Bad object name");
        if (!registry.TryGet(channel, name, out var rendition)) return NotLive(channel, name);
        if (!long.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var sequence))
            return Results.Problem("sequence number out of range", statusCode: StatusCodes.Status400BadRequest, title: "Bad object name");

        byte[]? bytes;
        if (match.Groups[2].Success)
        {
            if (!int.TryParse(match.Groups[2].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
                return Results.Problem("part index out of range", statusCode: StatusCodes.Status400BadRequest, title: "Bad object name");
            if (!rendition.TryGetPart(sequence, index, out bytes) && IsHinted(rendition, sequence, index) &&
                await rendition.WaitForAsync(sequence, index, rendition.TargetDuration * 3, ct))
                rendition.TryGetPart(sequence, index, out bytes);
        }
        else
        {
            rendition.TryGetSegment(sequence, out bytes);
        }

        if (bytes is null)
            return Results.Problem($"{file} is not in the live window of {channel}/{name}", statusCode: StatusCodes.Status404NotFound, title: "Not found");
        Headers(http, "public, max-age=3600, immutable");
        return Results.Bytes(bytes, SegmentType, enableRangeProcessing: true);
    }

    /// <summary>
    /// The AES-128 key of an encrypted channel for one key period: only for periods its live window can use (the oldest
    /// listed segment's, one before for a client a reload behind, up to the next), so an old or far-future key is never handed out.
    /// </summary>
    private static IResult Key(string channel, string file, LiveRegistry registry, HttpContext http)
    {
        if (!TryKeyEpoch(file, out var epoch)) return BadKeyName(file);
        var renditions = registry.Renditions(channel);
        if (renditions.Count == 0) return NotLive(channel);
        if (renditions[0].Encryption is not { } encryption)
            return Results.Problem($"{Truncate(channel)} is not encrypted; it has no keys", statusCode: StatusCodes.Status404NotFound, title: "No such key");
        var keys = encryption.Keys;
        var oldest = renditions.Select(r => r.Snapshot.Segments).Where(s => !s.IsEmpty).Select(s => s[0].ProgramDateTime).DefaultIfEmpty(DateTimeOffset.UtcNow).Min();
        var newest = keys.Epoch(DateTimeOffset.UtcNow) + 1;
        if (epoch < keys.Epoch(oldest) - 1 || epoch > newest)
            return Results.Problem($"key {epoch} of {Truncate(channel)} is outside its live window", statusCode: StatusCodes.Status404NotFound, title: "No such key");
        return KeyAnswer(http, keys.Key(encryption.Content, epoch));
    }

    /// <summary>The key period a key file name like <c>12345.key</c> names.</summary>
    internal static bool TryKeyEpoch(string file, out long epoch)
    {
        var match = KeyName().Match(file);
        epoch = match.Success ? long.Parse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture) : 0;
        return match.Success;
    }

    internal static IResult BadKeyName(string file) =>
        Results.Problem($"'{Truncate(file)}' is not a key name like 12345.key", statusCode: StatusCodes.Status400BadRequest, title: "Bad key name");

    /// <summary>A content key as players fetch it: never cached by anything between.</summary>
    internal static IResult KeyAnswer(HttpContext http, byte[] key)
    {
        Headers(http, "private, no-store");
        return Results.Bytes(key, "application/octet-stream");
    }

    /// <summary>A part the playlist announced (preload hint or the next of the segment in progress) is worth waiting for.</summary>
    private static bool IsHinted(LiveRendition rendition, long sequence, int index)
    {
        var s = rendition.Snapshot;
        if (sequence != s.NextSequence) return false;
        var have = s.Parts.Count(p => p.Sequence == sequence);
        return index <= have;
    }

    /// <summary>Validates _HLS_msn, _HLS_part and _HLS_skip (RFC 8216bis §6.2.5.2): nonsense is a 400.</summary>
    private static bool TryBlockingRequest(IQueryCollection query, LiveRendition rendition, out long? msn, out int? part, out bool skip, out IResult? problem)
    {
        msn = null;
        part = null;
        skip = false;
        problem = null;
        if (query.TryGetValue("_HLS_skip", out var skipValue))
        {
            if (skipValue.ToString() is not ("YES" or "v2"))
            {
                problem = Bad("_HLS_skip must be YES or v2");
                return false;
            }

            skip = true;
        }

        var hasMsn = query.TryGetValue("_HLS_msn", out var msnValue);
        var hasPart = query.TryGetValue("_HLS_part", out var partValue);
        if (hasPart && !hasMsn)
        {
            problem = Bad("_HLS_part needs _HLS_msn");
            return false;
        }

        if (!hasMsn) return true;
        if (!long.TryParse(msnValue, NumberStyles.None, CultureInfo.InvariantCulture, out var m))
        {
            problem = Bad("_HLS_msn must be a non-negative integer");
            return false;
        }

        if (hasPart)
        {
            if (rendition.PartTarget is null)
            {
                problem = Bad("this rendition has no parts; drop _HLS_part");
                return false;
            }

            if (!int.TryParse(partValue, NumberStyles.None, CultureInfo.InvariantCulture, out var p) || p > 1000)
            {
                problem = Bad("_HLS_part must be a non-negative integer");
                return false;
            }

            part = p;
        }

        var next = rendition.Snapshot.NextSequence;
        if (!rendition.Snapshot.Segments.IsEmpty && m > next + 1)
        {
            problem = Bad($"_HLS_msn={m} is more than two segments beyond the live edge ({next - 1})");
            return false;
        }

        msn = m;
        return true;
    }

    /// <summary>Cache-Control for the object, and CORS for web players (live and archive delivery alike).</summary>
    internal static void Headers(HttpContext http, string cacheControl)
    {
        http.Response.Headers.CacheControl = cacheControl;
        http.Response.Headers.AccessControlAllowOrigin = "*";
        http.Response.Headers.AccessControlExposeHeaders = "Content-Length, Content-Range";
    }

    private static IResult Bad(string detail) =>
        Results.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "Bad blocking playlist request");

    private static IResult NotLive(string channel, string? rendition = null) =>
        Results.Problem($"{Truncate(channel)}{(rendition is null ? "" : "/" + Truncate(rendition))} is not live on this node",
            statusCode: StatusCodes.Status404NotFound, title: "Channel not live");

    private static IResult Starting(string channel) =>
        Results.Problem($"{Truncate(channel)} is starting; no segment yet", statusCode: StatusCodes.Status503ServiceUnavailable, title: "Channel starting");

    private static string Truncate(string value) => value.Length <= 64 ? value : value[..64] + "…";

    [GeneratedRegex(@"^(\d{1,19})(?:\.(\d{1,4}))?\.ts\z")]
    private static partial Regex ObjectName();

    [GeneratedRegex(@"^(\d{1,15})\.key\z")]
    private static partial Regex KeyName();
}
