using System.Text.Json;
using Akka.Actor;
using Inspur.Actors.Channels;
using Inspur.Domain.Channels;
using static Inspur.Domain.Channels.ChannelReplies;

namespace Inspur.Host.Api;

/// <summary>REST resource <c>/api/v1/channels</c>: create, update, get and list channels; every error is problem+json.</summary>
public static class ChannelApi
{
    public const string Route = "/api/v1/channels";

    public static IEndpointRouteBuilder MapChannelApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Route).WithTags("channels");

        group.MapGet("/", async (IChannelService channels, CancellationToken ct) =>
            await Guard(async () => Results.Ok((await channels.ListAsync(ct)).Select(ChannelDto.From))));

        group.MapGet("/{id}", async (string id, IChannelService channels, CancellationToken ct) =>
            ChannelId.IsValid(id)
                ? await Guard(async () => ToResult(await channels.GetAsync(new ChannelId(id), ct)))
                : InvalidId(id));

        group.MapPost("/", async (HttpRequest request, IChannelService channels, CancellationToken ct) =>
        {
            var (body, error) = await JsonBody.ReadAsync(request, ct);
            if (error is not null) return error;
            var errors = new Dictionary<string, string[]>();
            var id = JsonBody.RequiredString(body, "id", errors);
            var config = ReadConfig(body, errors);
            if (id is not null && !ChannelId.IsValid(id))
                errors["id"] = ["id must be 1-64 lower-case letters, digits or dashes, starting with a letter or digit"];
            if (errors.Count > 0 || id is null || config is null) return Results.ValidationProblem(errors);

            return await Guard(async () => await Conflict(new ChannelId(id), config, channels, ct) ?? await channels.CreateAsync(new ChannelId(id), config, ct) switch
            {
                ChannelView view => Results.Created($"{Route}/{view.ChannelId}", ChannelDto.From(view)),
                var other => ToResult(other),
            });
        });

        group.MapPut("/{id}", async (string id, HttpRequest request, IChannelService channels, CancellationToken ct) =>
        {
            if (!ChannelId.IsValid(id)) return InvalidId(id);
            var (body, error) = await JsonBody.ReadAsync(request, ct);
            if (error is not null) return error;
            var errors = new Dictionary<string, string[]>();
            if (body.TryGetProperty("id", out var bodyId) && (bodyId.ValueKind != JsonValueKind.String || bodyId.GetString() != id))
                errors["id"] = [$"id in the body must be absent or equal to '{id}'"];
            var config = ReadConfig(body, errors);
            if (errors.Count > 0 || config is null) return Results.ValidationProblem(errors);
            return await Guard(async () => await Conflict(new ChannelId(id), config, channels, ct) ?? ToResult(await channels.UpdateAsync(new ChannelId(id), config, ct)));
        });

        group.MapGet("/{id}/alarms", async (string id, int? limit, IChannelService channels, CancellationToken ct) =>
        {
            if (!ChannelId.IsValid(id)) return InvalidId(id);
            if (limit is < 1 or > 1000)
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["limit"] = ["limit must be 1-1000"] });
            return await Guard(async () =>
            {
                var channelId = new ChannelId(id);
                if (await channels.GetAsync(channelId, ct) is not ChannelView view) return ToResult(await channels.GetAsync(channelId, ct));
                var history = await channels.HistoryAsync(channelId, limit ?? 100, ct);
                return Results.Ok(new { active = view.Alarms ?? [], phase = view.Phase, phaseReason = view.PhaseReason, history });
            });
        });

        group.MapPost("/{id}/start", async (string id, IChannelService channels, CancellationToken ct) =>
            ChannelId.IsValid(id)
                ? await Guard(async () => ToResult(await channels.StartAsync(new ChannelId(id), ct)))
                : InvalidId(id));

        group.MapPost("/{id}/stop", async (string id, HttpRequest request, IChannelService channels, CancellationToken ct) =>
        {
            if (!ChannelId.IsValid(id)) return InvalidId(id);
            var reason = "stopped by operator";
            if (request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0)
            {
                var (body, error) = await JsonBody.ReadAsync(request, ct);
                if (error is not null) return error;
                var errors = new Dictionary<string, string[]>();
                JsonBody.RejectUnknown(body, ["reason"], errors);
                if (body.TryGetProperty("reason", out var r))
                {
                    if (r.ValueKind != JsonValueKind.String) errors["reason"] = ["reason must be a string"];
                    else reason = r.GetString()!;
                }

                if (errors.Count > 0) return Results.ValidationProblem(errors);
            }

            return await Guard(async () => ToResult(await channels.StopAsync(new ChannelId(id), reason, ct)));
        });

        return app;
    }

    /// <summary>The fields a channel body may have (besides <c>id</c>).</summary>
    public static readonly string[] ConfigFields = ["name", "number", "source", "backupSource", "lowLatency", "logo", "genre", "transcode", "archiveHours", "encrypted"];

    private static ChannelConfig? ReadConfig(JsonElement body, Dictionary<string, string[]> errors)
    {
        JsonBody.RejectUnknown(body, ["id", .. ConfigFields], errors);
        var name = JsonBody.RequiredString(body, "name", errors);
        var number = JsonBody.RequiredInt(body, "number", errors);
        var source = JsonBody.OptionalString(body, "source", errors, "a string like udp://127.0.0.1:5000");
        var backup = JsonBody.OptionalString(body, "backupSource", errors, "a string like udp://127.0.0.1:5002");
        var logo = JsonBody.OptionalString(body, "logo", errors, "a URL string");
        var genre = JsonBody.OptionalString(body, "genre", errors, "a string");
        var lowLatency = JsonBody.OptionalBool(body, "lowLatency", errors) ?? false;
        var encrypted = JsonBody.OptionalBool(body, "encrypted", errors) ?? false;
        var archiveHours = JsonBody.OptionalInt(body, "archiveHours", errors) ?? ChannelConfig.DefaultArchiveHours;
        var transcode = ReadTranscode(body, errors);
        if (name is null || number is null || errors.Count > 0) return null;
        var config = new ChannelConfig(name, number.Value)
        {
            Source = source,
            BackupSource = backup,
            LowLatency = lowLatency,
            Logo = logo,
            Genre = genre,
            ArchiveHours = archiveHours,
            Transcode = transcode,
            Encrypted = encrypted,
        };
        if (ChannelState.Validate(config) is { } problem)
        {
            errors[problem.Field] = [problem.Message];
            return null;
        }

        return config;
    }

    /// <summary><c>"transcode": {"frameRate": 25, "ladder": [{"name","width","height","videoKbps","audioKbps"?,"profile"?}]}</c>; absent or null is passthrough.</summary>
    private static TranscodeSettings? ReadTranscode(JsonElement body, Dictionary<string, string[]> errors)
    {
        if (!body.TryGetProperty("transcode", out var t) || t.ValueKind == JsonValueKind.Null) return null;
        if (t.ValueKind != JsonValueKind.Object)
        {
            errors["transcode"] = ["transcode must be an object {\"ladder\": [...]} or null for passthrough"];
            return null;
        }

        JsonBody.RejectUnknown(t, ["ladder", "frameRate"], errors, "transcode.");
        var frameRate = 25.0;
        if (t.TryGetProperty("frameRate", out var fr) && fr.ValueKind != JsonValueKind.Null)
        {
            if (fr.ValueKind == JsonValueKind.Number) frameRate = fr.GetDouble();
            else errors["transcode.frameRate"] = ["transcode.frameRate must be a number"];
        }

        if (!t.TryGetProperty("ladder", out var ladder) || ladder.ValueKind != JsonValueKind.Array)
        {
            errors["transcode.ladder"] = ["transcode.ladder must be an array of rungs"];
            return null;
        }

        var rungs = new List<LadderRung>();
        var i = 0;
        foreach (var item in ladder.EnumerateArray())
        {
            var prefix = $"transcode.ladder[{i++}].";
            if (item.ValueKind != JsonValueKind.Object)
            {
                errors[prefix.TrimEnd('.')] = ["a rung must be an object"];
                continue;
            }

            var rungErrors = new Dictionary<string, string[]>();
            JsonBody.RejectUnknown(item, ["name", "width", "height", "videoKbps", "audioKbps", "profile"], rungErrors);
            var rungName = JsonBody.RequiredString(item, "name", rungErrors);
            var width = JsonBody.RequiredInt(item, "width", rungErrors);
            var height = JsonBody.RequiredInt(item, "height", rungErrors);
            var video = JsonBody.RequiredInt(item, "videoKbps", rungErrors);
            var audio = JsonBody.OptionalInt(item, "audioKbps", rungErrors) ?? 128;
            var profile = JsonBody.OptionalString(item, "profile", rungErrors, "baseline, main or high") ?? "high";
            foreach (var (key, value) in rungErrors) errors[prefix + key] = value;
            if (rungErrors.Count == 0) rungs.Add(new LadderRung(rungName!, width!.Value, height!.Value, video!.Value, audio) { Profile = profile });
        }

        return new TranscodeSettings(rungs) { FrameRate = frameRate };
    }

    private static async Task<IResult?> Conflict(ChannelId id, ChannelConfig config, IChannelService channels, CancellationToken ct) =>
        await SourceConflicts.FindAsync(id, config, () => channels.ListAsync(ct)) is { } conflict
            ? Results.ValidationProblem(new Dictionary<string, string[]> { [conflict.Field] = [conflict.Message] })
            : null;

    private static IResult ToResult(IChannelReply reply) => reply switch
    {
        ChannelView view => Results.Ok(ChannelDto.From(view)),
        ChannelRejected { Reason: ChannelRejection.NotFound } r => Results.Problem(r.Message, statusCode: StatusCodes.Status404NotFound, title: "Channel not found"),
        ChannelRejected { Reason: ChannelRejection.AlreadyExists } r => Results.Problem(r.Message, statusCode: StatusCodes.Status409Conflict, title: "Channel already exists"),
        ChannelRejected r => Results.Problem(r.Message, statusCode: StatusCodes.Status400BadRequest, title: "Invalid channel"),
        _ => Results.Problem($"unexpected reply {reply.GetType().Name}", statusCode: StatusCodes.Status500InternalServerError),
    };

    private static IResult InvalidId(string id) =>
        Results.ValidationProblem(new Dictionary<string, string[]> { ["id"] = [$"'{Truncate(id)}' is not a channel id"] });

    /// <summary>The cluster not answering in time is a 503 the client may retry, not a 500.</summary>
    private static Task<IResult> Guard(Func<Task<IResult>> action) =>
        ClusterTimeout.GuardAsync(action, "Channel service unavailable", "the channel service did not answer in time; retry later");

    private static string Truncate(string value) => value.Length <= 80 ? value : value[..80] + "…";
}

/// <summary>A channel as the REST API shows it.</summary>
public sealed record ChannelDto(string Id, string Name, int Number, string? Source, string? BackupSource, bool LowLatency, string? Logo, string? Genre,
    TranscodeSettings? Transcode, int ArchiveHours, bool Encrypted, bool Running, ChannelPhase Phase, string? PhaseReason, IReadOnlyList<ChannelAlarm> Alarms,
    ChannelLiveStatus? Live, long Version, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static ChannelDto From(ChannelView v) =>
        new(v.ChannelId.Value, v.Config.Name, v.Config.Number, v.Config.Source, v.Config.BackupSource, v.Config.LowLatency, v.Config.Logo, v.Config.Genre,
            v.Config.Transcode, v.Config.ArchiveHours, v.Config.Encrypted, v.Running, v.Phase, v.PhaseReason, v.Alarms ?? [], v.Live, v.Version, v.CreatedAt, v.UpdatedAt);
}
