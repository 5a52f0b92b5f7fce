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
            var config = ReadConfig(body, errors, ["id", "name", "number", "source", "lowLatency"]);
            if (id is not null && !ChannelId.IsValid(id))
                errors["id"] = ["id must be 1-64 lower-case letters, digits or dashes, starting with a letter or digit"];
            if (errors.Count > 0 || id is null || config is null) return Results.ValidationProblem(errors);

            return await Guard(async () => await channels.CreateAsync(new ChannelId(id), config, ct) switch
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
            var config = ReadConfig(body, errors, ["id", "name", "number", "source", "lowLatency"]);
            if (errors.Count > 0 || config is null) return Results.ValidationProblem(errors);
            return await Guard(async () => ToResult(await channels.UpdateAsync(new ChannelId(id), config, ct)));
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

    private static ChannelConfig? ReadConfig(JsonElement body, Dictionary<string, string[]> errors, string[] allowed)
    {
        JsonBody.RejectUnknown(body, allowed, errors);
        var name = JsonBody.RequiredString(body, "name", errors);
        var number = JsonBody.RequiredInt(body, "number", errors);
        string? source = null;
        var lowLatency = false;
        if (body.TryGetProperty("source", out var s) && s.ValueKind != JsonValueKind.Null)
        {
            if (s.ValueKind == JsonValueKind.String) source = s.GetString();
            else errors["source"] = ["source must be a string like udp://127.0.0.1:5000"];
        }

        if (body.TryGetProperty("lowLatency", out var ll) && ll.ValueKind != JsonValueKind.Null)
        {
            if (ll.ValueKind is JsonValueKind.True or JsonValueKind.False) lowLatency = ll.GetBoolean();
            else errors["lowLatency"] = ["lowLatency must be true or false"];
        }

        if (name is null || number is null || errors.Count > 0) return null;
        var config = new ChannelConfig(name, number.Value) { Source = source, LowLatency = lowLatency };
        if (ChannelState.Validate(config) is { } problem)
        {
            var field = problem.StartsWith("number", StringComparison.Ordinal) ? "number" : problem.StartsWith("source", StringComparison.Ordinal) ? "source" : "name";
            errors[field] = [problem];
            return null;
        }

        return config;
    }

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
    private static async Task<IResult> Guard(Func<Task<IResult>> action)
    {
        try
        {
            return await action();
        }
        catch (AskTimeoutException)
        {
            return Results.Problem("the channel service did not answer in time; retry later",
                statusCode: StatusCodes.Status503ServiceUnavailable, title: "Channel service unavailable");
        }
    }

    private static string Truncate(string value) => value.Length <= 80 ? value : value[..80] + "…";
}

/// <summary>A channel as the REST API shows it.</summary>
public sealed record ChannelDto(string Id, string Name, int Number, string? Source, bool LowLatency, bool Running,
    IReadOnlyList<ChannelAlarm> Alarms, long Version, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static ChannelDto From(ChannelView v) =>
        new(v.ChannelId.Value, v.Config.Name, v.Config.Number, v.Config.Source, v.Config.LowLatency, v.Running, v.Alarms ?? [], v.Version, v.CreatedAt, v.UpdatedAt);
}
