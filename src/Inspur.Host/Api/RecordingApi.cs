using System.Text.Json;
using Akka.Actor;
using Inspur.Actors.Channels;
using Inspur.Actors.Epg;
using Inspur.Actors.Recordings;
using Inspur.Domain.Channels;
using Inspur.Domain.Recordings;
using Inspur.Host.Delivery;
using Inspur.Host.Recordings;
using static Inspur.Domain.Epg.EpgReplies;
using static Inspur.Domain.Recordings.RecordingReplies;

namespace Inspur.Host.Api;

/// <summary>
/// REST resource <c>/api/v1/recordings</c> (schedule an interval or an EPG programme with padding, list, get, delete) and
/// the recordings' files under <c>/recordings/{id}/</c>, served from disk without asking an actor; every error is problem+json.
/// </summary>
public static class RecordingApi
{
    public const string Route = "/api/v1/recordings";
    public const string FilesRoute = "/recordings";
    public const int MaxPaddingSeconds = 3600;
    public static readonly TimeSpan DefaultPaddingBefore = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan DefaultPaddingAfter = TimeSpan.FromMinutes(3);

    private static readonly string[] Fields = ["id", "channel", "from", "to", "rendition", "title", "programmeId", "paddingBefore", "paddingAfter"];

    public static IEndpointRouteBuilder MapRecordingApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Route).WithTags("recordings");

        group.MapGet("/", async (IRecordingService recordings, CancellationToken ct) =>
            await Guard(async () => Results.Ok((await recordings.ListAsync(ct)).Select(RecordingDto.Of))));

        group.MapGet("/{id}", async (string id, IRecordingService recordings, CancellationToken ct) =>
            RecordingId.IsValid(id)
                ? await Guard(async () => ToResult(await recordings.GetAsync(new RecordingId(id), ct)))
                : InvalidId(id));

        group.MapDelete("/{id}", async (string id, IRecordingService recordings, CancellationToken ct) =>
            RecordingId.IsValid(id)
                ? await Guard(async () => await recordings.DeleteAsync(new RecordingId(id), ct) is RecordingView ? Results.NoContent() : ToResult(await recordings.GetAsync(new RecordingId(id), ct)))
                : InvalidId(id));

        group.MapPost("/", async (HttpRequest request, IRecordingService recordings, IChannelService channels, IEpgService epg, CancellationToken ct) =>
        {
            var (body, error) = await JsonBody.ReadAsync(request, ct);
            if (error is not null) return error;
            var errors = new Dictionary<string, string[]>();
            JsonBody.RejectUnknown(body, Fields, errors);
            var id = JsonBody.OptionalString(body, "id", errors, "a string");
            if (id is not null && !RecordingId.IsValid(id)) errors["id"] = [$"'{Truncate(id)}' is not a recording id: 1-64 lower-case letters, digits or dashes"];
            var rendition = JsonBody.OptionalString(body, "rendition", errors, "a string like main or 720p") ?? RecordingRequest.DefaultRendition;
            var title = JsonBody.OptionalString(body, "title", errors, "a string");
            var programmeId = JsonBody.OptionalString(body, "programmeId", errors, "a string like cctv-1-1764583200");
            if (errors.Count > 0) return Results.ValidationProblem(errors);

            return await Guard(async () =>
            {
                RecordingRequest? wanted;
                if (programmeId is not null)
                {
                    foreach (var field in new[] { "channel", "from", "to" })
                    {
                        if (body.TryGetProperty(field, out _)) errors[field] = [$"give programmeId or channel/from/to, not both"];
                    }

                    var before = Padding(body, "paddingBefore", DefaultPaddingBefore, errors);
                    var after = Padding(body, "paddingAfter", DefaultPaddingAfter, errors);
                    if (errors.Count > 0) return Results.ValidationProblem(errors);
                    if (await epg.ProgrammeAsync(programmeId, ct) is not ProgrammeFound found)
                        return Results.Problem($"programme '{Truncate(programmeId)}' is not in the EPG", statusCode: StatusCodes.Status404NotFound, title: "Programme not found");
                    var p = found.Programme;
                    wanted = new RecordingRequest(p.ChannelId, rendition, p.Start - before, p.Stop + after) { Title = title ?? p.Title, ProgrammeId = programmeId };
                }
                else
                {
                    foreach (var field in new[] { "paddingBefore", "paddingAfter" })
                    {
                        if (body.TryGetProperty(field, out _)) errors[field] = [$"{field} applies to a programmeId recording only"];
                    }

                    var channel = JsonBody.RequiredString(body, "channel", errors);
                    var from = Time(body, "from", errors);
                    var to = Time(body, "to", errors);
                    if (channel is not null && !ChannelId.IsValid(channel)) errors["channel"] = [$"'{Truncate(channel)}' is not a channel id"];
                    if (errors.Count > 0) return Results.ValidationProblem(errors);
                    wanted = new RecordingRequest(new ChannelId(channel!), rendition, from!.Value, to!.Value) { Title = title };
                }

                if (RecordingState.Validate(wanted, DateTimeOffset.UtcNow) is { } problem)
                    return Results.ValidationProblem(new Dictionary<string, string[]> { [problem.Field] = [problem.Message] });
                if (await channels.GetAsync(wanted.ChannelId, ct) is not ChannelReplies.ChannelView)
                    return Results.Problem($"channel '{wanted.ChannelId}' does not exist", statusCode: StatusCodes.Status404NotFound, title: "Channel not found");

                return await recordings.ScheduleAsync(id is null ? RecordingId.New() : new RecordingId(id), wanted, ct) switch
                {
                    RecordingView view => Results.Created($"{Route}/{view.RecordingId}", RecordingDto.Of(view)),
                    var other => ToResult(other),
                };
            });
        });

        string[] methods = ["GET", "HEAD"];
        app.MapMethods(FilesRoute + "/{id}/{file}", methods, (string id, string file, RecordingSettings settings) =>
        {
            if (!RecordingId.IsValid(id)) return InvalidId(id);
            if (settings.File(new RecordingId(id), file) is not { } path)
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["file"] = [$"'{Truncate(file)}' is not index.m3u8, recording.mp4 or a segment {{startMs}}-{{durationMs}}.ts"] });
            if (!File.Exists(path)) return Results.Problem($"recording '{id}' has no {file}", statusCode: StatusCodes.Status404NotFound, title: "Not found");
            var type = file switch
            {
                RecordingFiles.Playlist => LiveDelivery.PlaylistType,
                RecordingFiles.Mp4 => "video/mp4",
                _ => LiveDelivery.SegmentType,
            };
            return Results.File(path, type, file == RecordingFiles.Mp4 ? $"{id}.mp4" : null, enableRangeProcessing: true);
        });
        return app;
    }

    private static DateTimeOffset? Time(JsonElement body, string name, Dictionary<string, string[]> errors)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            errors[name] = [$"{name} is required"];
            return null;
        }

        return JsonBody.OptionalTime(body, name, errors);
    }

    private static TimeSpan Padding(JsonElement body, string name, TimeSpan fallback, Dictionary<string, string[]> errors)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return fallback;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var seconds) && seconds is >= 0 and <= MaxPaddingSeconds)
            return TimeSpan.FromSeconds(seconds);
        errors[name] = [$"{name} must be 0-{MaxPaddingSeconds} seconds"];
        return fallback;
    }

    private static IResult ToResult(IRecordingReply reply) => reply switch
    {
        RecordingView view => Results.Ok(RecordingDto.Of(view)),
        RecordingRejected { Reason: RecordingRejection.NotFound } r => Results.Problem(r.Message, statusCode: StatusCodes.Status404NotFound, title: "Recording not found"),
        RecordingRejected { Reason: RecordingRejection.AlreadyExists } r => Results.Problem(r.Message, statusCode: StatusCodes.Status409Conflict, title: "Recording already exists"),
        RecordingRejected r => Results.Problem(r.Message, statusCode: StatusCodes.Status400BadRequest, title: "Invalid recording"),
        _ => Results.Problem($"unexpected reply {reply.GetType().Name}", statusCode: StatusCodes.Status500InternalServerError),
    };

    private static IResult InvalidId(string id) =>
        Results.ValidationProblem(new Dictionary<string, string[]> { ["id"] = [$"'{Truncate(id)}' is not a recording id"] });

    /// <summary>The cluster not answering in time is a 503 the client may retry, not a 500.</summary>
    private static Task<IResult> Guard(Func<Task<IResult>> action) =>
        ClusterTimeout.GuardAsync(action, "Recording service unavailable", "the recording service did not answer in time; retry later");

    private static string Truncate(string value) => value.Length <= 80 ? value : value[..80] + "…";
}

/// <summary>A recording as the REST API shows it, with the URLs of its files once completed.</summary>
public sealed record RecordingDto(string Id, string Channel, string Rendition, DateTimeOffset From, DateTimeOffset To, string? Title, string? ProgrammeId,
    RecordingPhase Phase, string? Reason, RecordingFilesDto? Files, long Version, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static RecordingDto Of(RecordingView v) =>
        new(v.RecordingId.Value, v.Request.ChannelId.Value, v.Request.Rendition, v.Request.From, v.Request.To, v.Request.Title, v.Request.ProgrammeId,
            v.Phase, v.Reason, v.Files is { } f ? RecordingFilesDto.From(v.RecordingId, f) : null, v.Version, v.CreatedAt, v.UpdatedAt);
}

/// <summary>What a completed recording holds and where its files are.</summary>
public sealed record RecordingFilesDto(int Segments, long Bytes, double DurationSeconds, DateTimeOffset FirstSegment, IReadOnlyList<RecordingGap> Gaps,
    string Playlist, string Mp4)
{
    public static RecordingFilesDto From(RecordingId id, RecordingFiles f) =>
        new(f.Segments, f.Bytes, f.Duration.TotalSeconds, f.FirstSegment, f.Gaps,
            $"{RecordingApi.FilesRoute}/{id}/{RecordingFiles.Playlist}", $"{RecordingApi.FilesRoute}/{id}/{RecordingFiles.Mp4}");
}
