using System.Globalization;
using System.Text.Json;
using Inspur.Actors.Sessions;
using Inspur.Domain.Sessions;
using Inspur.Actors.Subscribers;
using Inspur.Domain.Subscribers;
using Inspur.Host.Auth;
using static Inspur.Domain.Sessions.SessionReplies;

namespace Inspur.Host.Api;

/// <summary>
/// REST resource <c>/api/v1/sessions</c> for players: read one's own playback session, pause, resume, seek, change rate,
/// stop. Sessions are started by <c>POST /api/v1/playback</c>; every call carries the subscriber's access token. Every error
/// is problem+json: no token 401, an unknown (or another account's) session 404, bad input 400, an ended one 409.
/// </summary>
public static class SessionApi
{
    public const string Route = "/api/v1/sessions";

    private static readonly string[] SeekFields = ["behindLive", "position"];

    /// <summary>Where the group's filter leaves the authenticated subscriber for <see cref="Owned"/>.</summary>
    private static readonly object ClaimsItem = new();

    public static IEndpointRouteBuilder MapSessionApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Route).WithTags("sessions");
        // Who asks comes first: without a valid access token every route is a 401, whatever its id or body.
        group.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var services = http.RequestServices;
            if (!SubscriberAuthentication.TryAuthenticate(http, services.GetRequiredService<AuthSettings>(), services.GetRequiredService<TimeProvider>().GetUtcNow(),
                    out var claims, out var unauthorized))
                return unauthorized;
            http.Items[ClaimsItem] = claims;
            return await next(context);
        });

        // The ownership check has read the session already: a GET answers that view.
        group.MapGet("/{id}", (string id, HttpContext http, CancellationToken ct) => Owned(http, id, null, ct));
        group.MapPost("/{id}/pause", (string id, HttpContext http, CancellationToken ct) =>
            Owned(http, id, (sessions, sessionId) => sessions.PauseAsync(sessionId, ct), ct));
        group.MapPost("/{id}/resume", (string id, HttpContext http, CancellationToken ct) =>
            Owned(http, id, (sessions, sessionId) => sessions.ResumeAsync(sessionId, ct), ct));

        group.MapPost("/{id}/stop", async (string id, HttpContext http, CancellationToken ct) =>
        {
            var request = http.Request;
            if (request.ContentLength > 0 || request.ContentType is not null)
            {
                var (body, error) = await JsonBody.ReadAsync(request, ct);
                if (error is not null) return error;
                var errors = new Dictionary<string, string[]>();
                JsonBody.RejectUnknown(body, ["reason"], errors);
                if (JsonBody.OptionalString(body, "reason", errors, "stopped") is { } other and not "stopped")
                    errors["reason"] = [$"reason '{Cut(other)}' must be stopped (operators end sessions from the admin)"];
                if (errors.Count > 0) return Results.ValidationProblem(errors);
            }

            return await Owned(http, id, (sessions, sessionId) => sessions.EndAsync(sessionId, SessionEndReason.Stopped, ct), ct);
        });

        group.MapPost("/{id}/seek", async (string id, HttpContext http, CancellationToken ct) =>
        {
            if (!SessionId.IsValid(id)) return InvalidId(id);
            var (body, error) = await JsonBody.ReadAsync(http.Request, ct);
            if (error is not null) return error;
            var errors = new Dictionary<string, string[]>();
            JsonBody.RejectUnknown(body, SeekFields, errors);
            var position = Position(body, errors);
            if (errors.Count > 0) return Results.ValidationProblem(errors);
            return await Owned(http, id, (sessions, sessionId) => sessions.SeekAsync(sessionId, position!, ct), ct);
        });

        group.MapPost("/{id}/rate", async (string id, HttpContext http, CancellationToken ct) =>
        {
            if (!SessionId.IsValid(id)) return InvalidId(id);
            var (body, error) = await JsonBody.ReadAsync(http.Request, ct);
            if (error is not null) return error;
            var errors = new Dictionary<string, string[]>();
            JsonBody.RejectUnknown(body, ["rate"], errors);
            double rate = 0;
            if (!body.TryGetProperty("rate", out var value) || value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out rate))
                errors["rate"] = ["rate is required: a number, 2 for fast-forward, -2 for rewind, 1 for normal"];
            if (errors.Count > 0) return Results.ValidationProblem(errors);
            return await Owned(http, id, (sessions, sessionId) => sessions.SetRateAsync(sessionId, rate, ct), ct);
        });
        return app;
    }

    /// <summary>
    /// Runs <paramref name="action"/> for the subscriber whose access token the request carries, on one of their own sessions
    /// (without one, answers the session as the ownership check read it): 401 without a valid token (or one revoked, or of a
    /// removed device), 404 for a session that does not exist or is another account's (which is not told apart, so session
    /// ids cannot be probed).
    /// </summary>
    private static async Task<IResult> Owned(HttpContext http, string id, Func<ISessionService, SessionId, Task<ISessionReply>>? action, CancellationToken ct)
    {
        var services = http.RequestServices;
        var claims = (SubscriberClaims)http.Items[ClaimsItem]!;
        if (!SessionId.IsValid(id)) return InvalidId(id);
        var sessions = services.GetRequiredService<ISessionService>();
        var sessionId = new SessionId(id);
        return await Guard(async () =>
        {
            // A suspended or closed account may still look at and stop what it had; its playback is revoked anyway.
            if (await services.GetRequiredService<ISubscriberService>().CheckAccessAsync(claims, ct) is { } denial and not (AccessDenial.Suspended or AccessDenial.Closed))
                return AuthApi.Denied(http, denial);
            if (await sessions.GetAsync(sessionId, ct) is not SessionView owned || owned.Start.SubscriberId != claims.SubscriberId.Value)
                return Results.Problem($"{claims.SubscriberId} has no session {id}", statusCode: StatusCodes.Status404NotFound, title: "Session not found");
            return ToResult(action is null ? owned : await action(sessions, sessionId));
        });
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
