using System.Globalization;
using System.Text.Json;
using Akka.Actor;
using Inspur.Actors.Sessions;
using Inspur.Domain.Sessions;
using Inspur.Host.Delivery;
using static Inspur.Domain.Sessions.SessionReplies;

namespace Inspur.Host.Api;

/// <summary>
/// REST resource <c>/api/v1/sessions</c>: read a playback session, pause, resume, seek, change rate, stop; revoke a
/// subscriber's playback on every node. Every error is problem+json: an unknown session 404, bad input 400, an ended one 409.
/// </summary>
public static class SessionApi
{
    public const string Route = "/api/v1/sessions";

    private static readonly string[] StartFields = ["id", "subscriber", "device", "content", "channel", "behindLive", "position"];
    private static readonly string[] SeekFields = ["behindLive", "position"];

    public static IEndpointRouteBuilder MapSessionApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Route).WithTags("sessions");

        group.MapGet("/{id}", (string id, ISessionService sessions, CancellationToken ct) =>
            Act(id, sessionId => sessions.GetAsync(sessionId, ct)));
        group.MapPost("/{id}/pause", (string id, ISessionService sessions, CancellationToken ct) =>
            Act(id, sessionId => sessions.PauseAsync(sessionId, ct)));
        group.MapPost("/{id}/resume", (string id, ISessionService sessions, CancellationToken ct) =>
            Act(id, sessionId => sessions.ResumeAsync(sessionId, ct)));

        group.MapPost("/{id}/stop", async (string id, HttpRequest request, ISessionService sessions, CancellationToken ct) =>
        {
            var reason = SessionEndReason.Stopped;
            if (request.ContentLength > 0 || request.ContentType is not null)
            {
                var (body, error) = await JsonBody.ReadAsync(request, ct);
                if (error is not null) return error;
                var errors = new Dictionary<string, string[]>();
                JsonBody.RejectUnknown(body, ["reason"], errors);
                switch (JsonBody.OptionalString(body, "reason", errors, "stopped or kicked"))
                {
                    case null or "stopped":
                        break;
                    case "kicked":
                        reason = SessionEndReason.Kicked;
                        break;
                    case { } other:
                        errors["reason"] = [$"reason '{Cut(other)}' must be stopped or kicked"];
                        break;
                }

                if (errors.Count > 0) return Results.ValidationProblem(errors);
            }

            return await Act(id, sessionId => sessions.EndAsync(sessionId, reason, ct));
        });

        group.MapPost("/{id}/seek", async (string id, HttpRequest request, ISessionService sessions, CancellationToken ct) =>
        {
            if (!SessionId.IsValid(id)) return InvalidId(id);
            var (body, error) = await JsonBody.ReadAsync(request, ct);
            if (error is not null) return error;
            var errors = new Dictionary<string, string[]>();
            JsonBody.RejectUnknown(body, SeekFields, errors);
            var position = Position(body, errors);
            if (errors.Count > 0) return Results.ValidationProblem(errors);
            return await Act(id, sessionId => sessions.SeekAsync(sessionId, position!, ct));
        });

        group.MapPost("/{id}/rate", async (string id, HttpRequest request, ISessionService sessions, CancellationToken ct) =>
        {
            if (!SessionId.IsValid(id)) return InvalidId(id);
            var (body, error) = await JsonBody.ReadAsync(request, ct);
            if (error is not null) return error;
            var errors = new Dictionary<string, string[]>();
            JsonBody.RejectUnknown(body, ["rate"], errors);
            double rate = 0;
            if (!body.TryGetProperty("rate", out var value) || value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out rate))
                errors["rate"] = ["rate is required: a number, 2 for fast-forward, -2 for rewind, 1 for normal"];
            if (errors.Count > 0) return Results.ValidationProblem(errors);
            return await Act(id, sessionId => sessions.SetRateAsync(sessionId, rate, ct));
        });

        // Suspends a subscriber's playback everywhere within about a second (the BOSS suspend will call ISessionService directly).
        group.MapPost("/revocations", async (HttpRequest request, ISessionService sessions, CancellationToken ct) =>
        {
            var (body, error) = await JsonBody.ReadAsync(request, ct);
            if (error is not null) return error;
            var errors = new Dictionary<string, string[]>();
            JsonBody.RejectUnknown(body, ["subscriber"], errors);
            var subscriber = JsonBody.RequiredString(body, "subscriber", errors);
            if (subscriber is not null && !PartyId.IsValid(subscriber)) errors["subscriber"] = [$"'{Cut(subscriber)}' is not a subscriber id"];
            if (errors.Count > 0) return Results.ValidationProblem(errors);
            sessions.RevokeSubscriber(subscriber!);
            return Results.Accepted(value: new { subscriber, revokedAt = DateTimeOffset.UtcNow });
        });

        group.MapPost("/", async (HttpRequest request, ISessionService sessions, PlaybackSettings settings, CancellationToken ct) =>
        {
            if (!settings.DirectStart)
                return Results.Problem("sessions are started by the playback API; Inspur:Playback:DirectStart is off on this node",
                    statusCode: StatusCodes.Status404NotFound, title: "Not available");
            var (body, error) = await JsonBody.ReadAsync(request, ct);
            if (error is not null) return error;
            var errors = new Dictionary<string, string[]>();
            JsonBody.RejectUnknown(body, StartFields, errors);
            var id = JsonBody.OptionalString(body, "id", errors, "a string");
            if (id is not null && !SessionId.IsValid(id)) errors["id"] = [$"'{Cut(id)}' is not a session id: 1-64 lower-case letters, digits or dashes"];
            var subscriber = JsonBody.RequiredString(body, "subscriber", errors);
            var device = JsonBody.RequiredString(body, "device", errors);
            var kind = JsonBody.RequiredString(body, "content", errors);
            var channel = JsonBody.RequiredString(body, "channel", errors);
            ContentKind parsed = default;
            if (kind is not null && (!PlaybackContent.TryParseKind(kind, out parsed) || parsed == ContentKind.Vod)) errors["content"] = ["content must be live or archive"];
            SessionPosition? position = body.TryGetProperty("behindLive", out _) || body.TryGetProperty("position", out _)
                ? Position(body, errors)
                : SessionPosition.LiveEdge;
            if (errors.Count > 0) return Results.ValidationProblem(errors);
            var start = new SessionStart(subscriber!, device!, new PlaybackContent(parsed, channel!));
            if ((SessionState.Validate(start) ?? SessionState.Validate(start.Content, position, DateTimeOffset.UtcNow)) is { } problem)
                return Results.ValidationProblem(new Dictionary<string, string[]> { [problem.Field] = [problem.Message] });
            var sessionId = id is null ? SessionId.New() : new SessionId(id);
            return await Guard(async () => await sessions.StartAsync(sessionId, start, position!, ct) switch
            {
                SessionView view => Results.Created($"{Route}/{view.SessionId}", SessionDto.Of(view)),
                var other => ToResult(other),
            });
        });
        return app;
    }

    /// <summary><c>behindLive</c> (seconds) or <c>position</c> (ISO 8601 with an offset, or Unix seconds), exactly one.</summary>
    private static SessionPosition? Position(JsonElement body, Dictionary<string, string[]> errors)
    {
        var hasBehind = body.TryGetProperty("behindLive", out var behind) && behind.ValueKind != JsonValueKind.Null;
        var hasAt = body.TryGetProperty("position", out var at) && at.ValueKind != JsonValueKind.Null;
        if (hasBehind == hasAt)
        {
            errors["position"] = ["give either behindLive (seconds behind the live edge) or position (a programme time), exactly one"];
            return null;
        }

        if (hasBehind)
        {
            if (behind.ValueKind == JsonValueKind.Number && behind.TryGetDouble(out var seconds) && seconds is >= 0 and <= 86_400)
                return SessionPosition.Live(TimeSpan.FromSeconds(seconds));
            errors["behindLive"] = ["behindLive must be a non-negative number of seconds"];
            return null;
        }

        if (at.ValueKind == JsonValueKind.Number && at.TryGetInt64(out var unix) && unix is >= 0 and < 253_402_300_800)
            return SessionPosition.Archive(DateTimeOffset.FromUnixTimeSeconds(unix));
        if (at.ValueKind == JsonValueKind.String && at.GetString() is { Length: <= 40 } text &&
            (text.EndsWith('Z') || text.Length > 6 && text[^6] is '+' or '-') &&
            DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant))
            return SessionPosition.Archive(instant.ToUniversalTime());
        errors["position"] = ["position must be an ISO 8601 time with an offset (2026-12-01T10:00:00Z) or Unix seconds"];
        return null;
    }

    private static Task<IResult> Act(string id, Func<SessionId, Task<ISessionReply>> action) =>
        SessionId.IsValid(id) ? Guard(async () => ToResult(await action(new SessionId(id)))) : Task.FromResult(InvalidId(id));

    private static IResult ToResult(ISessionReply reply) => reply switch
    {
        SessionView view => Results.Ok(SessionDto.Of(view)),
        SessionRejected { Reason: SessionRejection.NotFound } r => Results.Problem(r.Message, statusCode: StatusCodes.Status404NotFound, title: "Session not found"),
        SessionRejected { Reason: SessionRejection.Ended } r => Results.Problem(r.Message, statusCode: StatusCodes.Status409Conflict, title: "Session ended"),
        SessionRejected { Reason: SessionRejection.AlreadyExists } r => Results.Problem(r.Message, statusCode: StatusCodes.Status409Conflict, title: "Session already exists"),
        SessionRejected r => Results.Problem(r.Message, statusCode: StatusCodes.Status400BadRequest, title: "Invalid session command"),
        _ => Results.Problem($"unexpected reply {reply.GetType().Name}", statusCode: StatusCodes.Status500InternalServerError),
    };

    private static IResult InvalidId(string id) =>
        Results.ValidationProblem(new Dictionary<string, string[]> { ["id"] = [$"'{Cut(id)}' is not a session id"] });

    /// <summary>The cluster not answering in time is a 503 the client may retry, not a 500.</summary>
    private static Task<IResult> Guard(Func<Task<IResult>> action) =>
        ClusterTimeout.GuardAsync(action, "Session service unavailable", "the session service did not answer in time; retry later");

    private static string Cut(string value) => value.Length <= 80 ? value : value[..80] + "…";
}

/// <summary>A playback session as the REST API shows it; <c>behindLive</c> (seconds) for live, <c>position</c> for archive, as of <c>asOf</c>.</summary>
public sealed record SessionDto(string Id, string Subscriber, string Device, string Content, string Channel, SessionPhase Phase, double? BehindLive,
    DateTimeOffset? Position, double Rate, SessionEndReason? EndReason, DateTimeOffset StartedAt, DateTimeOffset UpdatedAt, DateTimeOffset? LastSeen,
    DateTimeOffset AsOf, long Version)
{
    public static SessionDto Of(SessionView v) =>
        new(v.SessionId.Value, v.Start.SubscriberId, v.Start.DeviceId, PlaybackContent.KindName(v.Start.Content.Kind), v.Start.Content.Id, v.Phase,
            v.Position.BehindLive?.TotalSeconds, v.Position.At, v.Rate, v.EndReason, v.StartedAt, v.UpdatedAt, v.LastSeen, v.AsOf, v.Version);
}
