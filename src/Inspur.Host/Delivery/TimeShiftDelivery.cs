using System.Globalization;
using System.Text.RegularExpressions;
using Inspur.Actors.Epg;
using Inspur.Domain.Channels;
using Inspur.Domain.Epg;
using Inspur.Host.Api;
using Inspur.Host.Archive;
using static Inspur.Domain.Epg.EpgReplies;
using Inspur.Media.Archive;
using Inspur.Media.Hls;
using Inspur.Media.Protection;

namespace Inspur.Host.Delivery;

/// <summary>
/// Time shift and catch-up from the archive, addressed by time as players already know it (Flussonic's scheme):
/// <c>/archive/{channel}/{rendition}/index-{from}-{duration}.m3u8</c> (Unix seconds; <c>now</c> for an EVENT that
/// grows), <c>index.m3u8?start=&amp;end=</c> or <c>?start=&amp;duration=</c> (Unix seconds or ISO 8601),
/// <c>timeshift.m3u8?offset=</c> (seconds behind live, ≤ 30 min, for pause and drag-back), <c>catchup/{programme}.m3u8</c>
/// and <c>startover.m3u8</c> from the EPG, and the archived segments at
/// their own time-derived paths. No actor is asked: any node that sees the storage can serve it.
/// </summary>
public static partial class TimeShiftDelivery
{
    public static IEndpointRouteBuilder MapTimeShiftDelivery(this IEndpointRouteBuilder app)
    {
        string[] methods = ["GET", "HEAD"];
        app.MapMethods("/archive/{channel}/{rendition}/index.m3u8", methods, (string channel, string rendition, HttpContext http, NodeArchive archive, ContentKeys keys) =>
        {
            if (BadNames(channel, rendition) is { } bad) return bad;
            var query = http.Request.Query;
            if (!TryTime(query["start"], "start", out var from, out var problem)) return problem!;
            DateTimeOffset to;
            if (query.ContainsKey("end"))
            {
                if (query.ContainsKey("duration")) return Bad("give end or duration, not both");
                if (!TryTime(query["end"], "end", out to, out problem)) return problem!;
            }
            else if (query.ContainsKey("duration"))
            {
                if (!TrySeconds(query["duration"], "duration", out var duration, out problem)) return problem!;
                to = from + duration;
            }
            else return Bad("end or duration is required with start");

            return Range(http, archive, keys, channel, rendition, from, to);
        });
        app.MapMethods("/archive/{channel}/{rendition}/{file:regex(^index-.+\\.m3u8$)}", methods, (string channel, string rendition, string file, HttpContext http, NodeArchive archive,
            ContentKeys keys) =>
        {
            if (BadNames(channel, rendition) is { } bad) return bad;
            var match = RangeName().Match(file);
            if (!match.Success) return Bad($"'{Cut(file)}' is not index-<from>-<duration>.m3u8 or index-<from>-now.m3u8");
            if (!TryTime(match.Groups[1].Value, "from", out var from, out var problem)) return problem!;
            if (match.Groups[2].Value == "now") return Range(http, archive, keys, channel, rendition, from, DateTimeOffset.UtcNow + TimeSpan.FromSeconds(1));
            if (!TrySeconds(match.Groups[2].Value, "duration", out var duration, out problem)) return problem!;
            return Range(http, archive, keys, channel, rendition, from, from + duration);
        });
        app.MapMethods("/archive/{channel}/{rendition}/timeshift.m3u8", methods, (string channel, string rendition, HttpContext http, NodeArchive archive, ContentKeys keys) =>
        {
            if (BadNames(channel, rendition) is { } bad) return bad;
            if (!TrySeconds(http.Request.Query["offset"], "offset", out var offset, out var problem, allowZero: true)) return problem!;
            var key = KeyFor(archive, keys, channel, up: false);
            return Answer(http, () => archive.Playlists.LiveWithOffset(channel, rendition, offset, SegmentUri, GapUri, key), "no-cache");
        });
        // Catch-up of an EPG programme (VOD once it has ended) and start-over of the one on now (EVENT, grows as it airs).
        app.MapMethods("/archive/{channel}/{rendition}/catchup/{file}", methods, async (string channel, string rendition, string file, HttpContext http, NodeArchive archive,
            ContentKeys keys, IEpgService epg, CancellationToken ct) =>
        {
            if (BadNames(channel, rendition) is { } bad) return bad;
            if (!file.EndsWith(".m3u8", StringComparison.Ordinal) || !Inspur.Domain.Epg.Programme.TryParseId(file[..^5], out var owner, out _) || owner.Value != channel)
                return Bad($"'{Cut(file)}' is not {{programme id}}.m3u8 of a programme of {channel}");
            return await Guard(async () => await epg.ProgrammeAsync(file[..^5], ct) is ProgrammeFound found
                ? ProgrammeRange(http, archive, keys, rendition, found.Programme, up: true)
                : NotFound($"no programme {file[..^5]} in the EPG"));
        });
        app.MapMethods("/archive/{channel}/{rendition}/startover.m3u8", methods, async (string channel, string rendition, HttpContext http, NodeArchive archive,
            ContentKeys keys, IEpgService epg, CancellationToken ct) =>
        {
            if (BadNames(channel, rendition) is { } bad) return bad;
            return await Guard(async () => (await epg.NowNextAsync(new ChannelId(channel), DateTimeOffset.UtcNow, ct)).Now is { } now
                ? ProgrammeRange(http, archive, keys, rendition, now)
                : NotFound($"the EPG has no programme on {channel} now"));
        });
        app.MapMethods("/archive/{channel}/{rendition}/{day}/{hour}/{file}", methods, async (string channel, string rendition, string day, string hour, string file, HttpContext http,
            NodeArchive archive, ContentKeys keys, CancellationToken ct) =>
        {
            if (BadNames(channel, rendition) is { } bad) return bad;
            if (!ArchiveLayout.TryParseDay(day, out var d) || !ArchiveLayout.TryParseHour(hour, out var h) || !ArchiveLayout.TryParseFileName(file, out var start, out var duration))
                return Bad($"'{Cut(day)}/{Cut(hour)}/{Cut(file)}' is not an archived segment (yyyyMMdd/HH/startMs-durationMs.ts)");
            if (ArchiveLayout.HourStart(start) != ArchiveLayout.HourStart(d, h)) return NotFound($"{file} does not belong in {day}/{hour}");
            var path = archive.Layout.SegmentPath(channel, rendition, start, duration);
            if (!File.Exists(path)) return NotFound($"{channel}/{rendition}/{day}/{hour}/{file} is not in the archive");
            if (archive.IsEncrypted(channel))
            {
                byte[] plain;
                try
                {
                    plain = await File.ReadAllBytesAsync(path, ct);
                }
                catch (FileNotFoundException)
                {
                    return NotFound($"{channel}/{rendition}/{day}/{hour}/{file} is not in the archive");
                }

                LiveDelivery.Headers(http, "private, max-age=86400, immutable");
                return Results.Bytes(SegmentCipher.Encrypt(plain, keys.Key(channel, keys.Epoch(start)), ArchiveIv(start)), LiveDelivery.SegmentType, enableRangeProcessing: true);
            }

            LiveDelivery.Headers(http, "public, max-age=86400, immutable");
            return Results.File(path, LiveDelivery.SegmentType, enableRangeProcessing: true);
        });
        app.MapMethods("/archive/{channel}/keys/{file}", methods, (string channel, string file, HttpContext http, NodeArchive archive, ContentKeys keys) =>
        {
            if (!ArchiveLayout.IsChannel(channel)) return Bad($"'{Cut(channel)}' is not a channel id");
            if (!LiveDelivery.TryKeyEpoch(file, out var epoch)) return LiveDelivery.BadKeyName(file);
            if (!archive.IsEncrypted(channel))
                return Results.Problem($"the archive of {channel} is not encrypted; it has no keys", statusCode: StatusCodes.Status404NotFound, title: "No such key");
            var now = DateTimeOffset.UtcNow;
            if (epoch > keys.Epoch(now) + 1 || epoch < keys.Epoch(now - TimeSpan.FromHours(ChannelState.MaxArchiveHours)))
                return Results.Problem($"key {epoch} of {channel} is outside what an archive can hold", statusCode: StatusCodes.Status404NotFound, title: "No such key");
            return LiveDelivery.KeyAnswer(http, keys.Key(channel, epoch));
        });
        app.MapGet("/api/v1/channels/{channel}/archive", (string channel, string? day, NodeArchive archive) =>
        {
            if (!ArchiveLayout.IsChannel(channel)) return Bad($"'{Cut(channel)}' is not a channel id");
            var date = DateOnly.FromDateTime(DateTime.UtcNow);
            if (day is not null && !DateOnly.TryParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date))
                return Bad($"day '{Cut(day)}' must be yyyy-MM-dd");
            var reader = archive.Reader;
            var renditions = reader.Renditions(channel);
            return Results.Ok(new
            {
                channel,
                day = date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                usageBytes = archive.Usage.Of(channel),
                renditions = renditions.Select(r =>
                {
                    var availability = reader.Availability(channel, r, date);
                    var extent = reader.Extent(channel, r);
                    return new { name = r, earliest = extent?.From, latest = extent?.To, ranges = availability.Ranges.Select(Span), gaps = availability.Gaps.Select(Span) };
                }),
            });
        });
        return app;
    }

    private static object Span(TimeRange r) => new { from = r.From, to = r.To };

    private static IResult ProgrammeRange(HttpContext http, NodeArchive archive, ContentKeys keys, string rendition, Programme programme, bool up = false)
    {
        http.Response.Headers["X-Inspur-Programme"] = Uri.EscapeDataString(programme.Title);
        return Range(http, archive, keys, programme.ChannelId.Value, rendition, programme.Start, programme.Stop, up);
    }

    /// <summary>
    /// An encrypted channel's archived segment is served under its key period's key with its start (Unix ms) as IV, named
    /// in the playlist (the archive's media sequence numbers come from the request, so they cannot be the IV).
    /// </summary>
    private static Func<ArchivedSegment, HlsKey>? KeyFor(NodeArchive archive, ContentKeys keys, string channel, bool up)
    {
        if (!archive.IsEncrypted(channel)) return null;
        var prefix = up ? "../../keys/" : "../keys/";
        return s => new HlsKey($"{prefix}{keys.Epoch(s.Start)}.key", ArchiveIv(s.Start));
    }

    private static byte[] ArchiveIv(DateTimeOffset start) => SegmentCipher.Iv(start.ToUnixTimeMilliseconds());

    private static Task<IResult> Guard(Func<Task<IResult>> action) =>
        ClusterTimeout.GuardAsync(action, "EPG unavailable", "the EPG did not answer in time; retry later");

    /// <param name="up">The playlist sits one folder below the rendition (catch-up), so its segment URIs climb one level.</param>
    private static IResult Range(HttpContext http, NodeArchive archive, ContentKeys keys, string channel, string rendition, DateTimeOffset from, DateTimeOffset to,
        bool up = false)
    {
        if (from > DateTimeOffset.UtcNow) return NotFound($"{from.UtcDateTime:O} is in the future", archive.Reader.Extent(channel, rendition));
        Func<ArchivedSegment, string> uri = up ? s => "../" + SegmentUri(s) : SegmentUri;
        var key = KeyFor(archive, keys, channel, up);
        return Answer(http, () => archive.Playlists.Range(channel, rendition, from, to, uri, GapUri, key), to <= DateTimeOffset.UtcNow ? "public, max-age=60" : "no-cache");
    }

    private static IResult Answer(HttpContext http, Func<TimeShiftResult> build, string cacheControl)
    {
        TimeShiftResult result;
        try
        {
            result = build();
        }
        catch (ArgumentException ex)
        {
            return Bad(ex.Message);
        }

        switch (result)
        {
            case TimeShiftPlaylist playlist:
                LiveDelivery.Headers(http, cacheControl);
                http.Response.Headers["X-Inspur-First-Segment"] = playlist.FirstSegmentStart.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);
                return Results.Text(playlist.Text, LiveDelivery.PlaylistType);
            case TimeShiftNotAvailable missing:
                return NotFound($"nothing archived in {missing.Requested}", missing.Available);
            default:
                return Results.Problem($"unexpected result {result.GetType().Name}", statusCode: StatusCodes.Status500InternalServerError);
        }
    }

    /// <summary>Archived segments sit at <c>{yyyyMMdd}/{HH}/{file}</c> below the rendition, relative to every playlist here.</summary>
    private static string SegmentUri(ArchivedSegment s) =>
        $"{s.Start.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture)}/{s.Start.UtcDateTime.ToString("HH", CultureInfo.InvariantCulture)}/{Path.GetFileName(s.Path)}";

    private static string GapUri(TimeRange gap) => $"gap-{gap.From.ToUnixTimeMilliseconds()}.ts";

    private static bool TryTime(string? text, string field, out DateTimeOffset time, out IResult? problem)
    {
        problem = null;
        time = default;
        if (string.IsNullOrEmpty(text))
        {
            problem = Bad($"{field} is required (Unix seconds or ISO 8601)");
            return false;
        }

        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds < 253_402_300_800)
        {
            time = DateTimeOffset.FromUnixTimeSeconds(seconds);
            return true;
        }

        if (text.Length <= 40 && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time)) return true;
        problem = Bad($"{field} '{Cut(text)}' is neither Unix seconds nor an ISO 8601 time");
        return false;
    }

    private static bool TrySeconds(string? text, string field, out TimeSpan span, out IResult? problem, bool allowZero = false)
    {
        problem = null;
        span = default;
        if (!double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds) || double.IsNaN(seconds) || seconds > 31_536_000 || (!allowZero && seconds <= 0))
        {
            problem = Bad($"{field} '{Cut(text ?? "")}' must be a {(allowZero ? "non-negative" : "positive")} number of seconds");
            return false;
        }

        span = TimeSpan.FromSeconds(seconds);
        return true;
    }

    private static IResult? BadNames(string channel, string rendition) =>
        !ArchiveLayout.IsChannel(channel) ? Bad($"'{Cut(channel)}' is not a channel id")
        : !ArchiveLayout.IsRendition(rendition) ? Bad($"'{Cut(rendition)}' is not a rendition name")
        : null;

    private static IResult Bad(string detail) => Results.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "Bad time-shift request");

    private static IResult NotFound(string detail, TimeRange? available = null) =>
        Results.Problem(detail + (available is { } a ? $"; the archive has {a}" : "; the archive has nothing of it"), statusCode: StatusCodes.Status404NotFound,
            title: "Not in the archive", extensions: new Dictionary<string, object?> { ["availableFrom"] = available?.From, ["availableTo"] = available?.To });

    private static string Cut(string value) => value.Length <= 64 ? value : value[..64] + "…";

    [GeneratedRegex(@"^index-(\d{1,12})-(\d{1,8}|now)\.m3u8\z")]
    private static partial Regex RangeName();
}
