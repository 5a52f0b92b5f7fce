using System.Globalization;
using Inspur.Actors.Channels;
using Inspur.Actors.Epg;
using Inspur.Domain.Channels;
using Inspur.Domain.Epg;
using static Inspur.Domain.Epg.EpgReplies;
using static Inspur.Domain.Epg.EpgSourceProtocol;

namespace Inspur.Host.Api;

/// <summary>REST resource <c>/api/v1/epg</c>: XMLTV import (upload and scheduled URLs), the day grid, now/next and programmes; errors are problem+json.</summary>
public static class EpgApi
{
    public const string Route = "/api/v1/epg";
    public const long MaxXmlBytes = 20 * 1024 * 1024;

    public static IEndpointRouteBuilder MapEpgApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Route).WithTags("epg");

        group.MapPost("/import", async (HttpRequest request, string? map, EpgImporter importer, CancellationToken ct) =>
        {
            if (request.ContentType is not { } type || !(type.StartsWith("application/xml", StringComparison.OrdinalIgnoreCase) ||
                                                          type.StartsWith("text/xml", StringComparison.OrdinalIgnoreCase) ||
                                                          type.Contains("+xml", StringComparison.OrdinalIgnoreCase)))
                return Results.Problem("send the XMLTV file as application/xml or text/xml", statusCode: StatusCodes.Status415UnsupportedMediaType,
                    title: "Unsupported media type");
            if (!EpgChannelMap.TryParse(map, out var channelMap, out var mapError)) return Invalid("map", $"map: {mapError}");
            if (request.ContentLength > MaxXmlBytes) return TooLarge();

            using var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
            {
                if (buffer.Length + read > MaxXmlBytes) return TooLarge();
                buffer.Write(chunk, 0, read);
            }

            buffer.Position = 0;
            return await Guard(async () =>
            {
                var result = await importer.ImportAsync(buffer, channelMap, "upload", ct);
                if (result.Report.Malformed)
                    return Results.Problem(result.Report.Issues[0].Message, statusCode: StatusCodes.Status400BadRequest, title: "Malformed XMLTV",
                        extensions: new Dictionary<string, object?> { ["report"] = result.Report });
                return Results.Ok(new { report = result.Report, channels = result.Channels.Select(c => new { channel = c.ChannelId.Value, c.Programmes, c.Changed, c.Error }) });
            });
        });

        group.MapPost("/sources", async (HttpRequest request, IEpgService epg, CancellationToken ct) =>
        {
            var (body, error) = await JsonBody.ReadAsync(request, ct);
            if (error is not null) return error;
            var errors = new Dictionary<string, string[]>();
            JsonBody.RejectUnknown(body, ["url", "everyMinutes", "map"], errors);
            var url = JsonBody.RequiredString(body, "url", errors);
            var every = JsonBody.RequiredInt(body, "everyMinutes", errors);
            var mapText = JsonBody.OptionalString(body, "map", errors, "a string xmltvId:channelId,...");
            if (url is not null && every is not null && EpgSource.Validate(url, every.Value) is { } problem) errors[problem.Field] = [problem.Message];
            var channelMap = EpgChannelMap.Identity;
            if (mapText is not null && !EpgChannelMap.TryParse(mapText, out channelMap, out var mapError)) errors["map"] = [$"map: {mapError}"];
            if (errors.Count > 0 || url is null || every is null) return Results.ValidationProblem(errors);
            return await Guard(async () => await epg.RegisterSourceAsync(url, every.Value, channelMap, ct) switch
            {
                Sources { All: [var source] } => Results.Ok(SourceDto(source)),
                SourceRejected r => Invalid(r.Field, r.Message),
                var other => Results.Problem($"unexpected reply {other.GetType().Name}", statusCode: StatusCodes.Status500InternalServerError),
            });
        });

        group.MapGet("/sources", async (IEpgService epg, CancellationToken ct) =>
            await Guard(async () => Results.Ok((await epg.SourcesAsync(ct)).Select(SourceDto))));

        group.MapGet("/grid", async (HttpRequest request, IEpgService epg, CancellationToken ct) =>
        {
            var text = request.Query["day"].ToString();
            if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
                return Invalid("day", "day must be a UTC date yyyy-MM-dd, e.g. 2026-12-01");
            return await Guard(async () => Results.Ok(new
            {
                day = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                channels = (await epg.GridAsync(day, ct)).Select(r => new { channel = r.ChannelId.Value, programmes = r.Programmes.Select(ProgrammeDto) }),
            }));
        });

        group.MapGet("/{channel}/now", async (string channel, HttpRequest request, IEpgService epg, IChannelService channels, CancellationToken ct) =>
        {
            if (!ChannelId.IsValid(channel)) return Invalid("channel", $"'{Cut(channel)}' is not a channel id (1-64 lower-case letters, digits or dashes)");
            var at = DateTimeOffset.UtcNow;
            if (request.Query["at"].ToString() is { Length: > 0 } atText &&
                !DateTimeOffset.TryParse(atText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out at))
                return Invalid("at", "at must be an ISO 8601 time, e.g. 2026-12-01T04:30:00Z");
            return await Guard(async () =>
            {
                var id = new ChannelId(channel);
                if (await channels.GetAsync(id, ct) is ChannelReplies.ChannelRejected { Reason: ChannelRejection.NotFound } missing)
                    return Results.Problem(missing.Message, statusCode: StatusCodes.Status404NotFound, title: "Channel not found");
                var nowNext = await epg.NowNextAsync(id, at.ToUniversalTime(), ct);
                return Results.Ok(new { channel, at = nowNext.At, now = Nullable(nowNext.Now), next = Nullable(nowNext.Next) });
            });
        });

        group.MapGet("/programmes/{id}", async (string id, IEpgService epg, CancellationToken ct) =>
        {
            if (!Programme.TryParseId(id, out _, out _)) return Invalid("id", $"'{Cut(id)}' is not a programme id ({{channel}}-{{startUnixSeconds}})");
            return await Guard(async () => await epg.ProgrammeAsync(id, ct) switch
            {
                ProgrammeFound found => Results.Ok(ProgrammeDto(found.Programme)),
                EpgRejected r => Results.Problem(r.Message, statusCode: StatusCodes.Status404NotFound, title: "Programme not found"),
                var other => Results.Problem($"unexpected reply {other.GetType().Name}", statusCode: StatusCodes.Status500InternalServerError),
            });
        });

        return app;
    }

    private static object ProgrammeDto(Programme p) => new
    {
        id = p.Id,
        channel = p.ChannelId.Value,
        start = p.Start,
        stop = p.Stop,
        title = p.Title,
        subTitle = p.SubTitle,
        description = p.Description,
        category = p.Category,
        episodeNum = p.EpisodeNum,
        rating = p.Rating,
        icon = p.Icon,
    };

    private static object? Nullable(Programme? p) => p is null ? null : ProgrammeDto(p);

    private static object SourceDto(EpgSource s) => new
    {
        url = s.Url,
        everyMinutes = s.EveryMinutes,
        map = s.Map.ToString(),
        registeredAt = s.RegisteredAt,
        lastFetchAt = s.LastFetchAt,
        lastError = s.LastError,
        lastReport = s.LastReport,
    };

    private static async Task<IResult> Guard(Func<Task<IResult>> action)
    {
        try
        {
            return await action();
        }
        catch (Exception ex) when (ex is TimeoutException or Akka.Actor.AskTimeoutException or TaskCanceledException)
        {
            return Results.Problem("the EPG did not answer in time; try again", statusCode: StatusCodes.Status503ServiceUnavailable, title: "EPG unavailable");
        }
    }

    private static IResult Invalid(string field, string message) => Results.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });

    private static IResult TooLarge() =>
        Results.Problem($"the XMLTV file must be at most {MaxXmlBytes} bytes", statusCode: StatusCodes.Status413PayloadTooLarge, title: "Body too large");

    private static string Cut(string s) => s.Length <= 80 ? s : s[..80] + "…";
}
