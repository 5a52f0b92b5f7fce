using System.Globalization;
using System.Text.Json;
using Akka.Actor;
using Inspur.Actors.Sessions;
using Inspur.Actors.Subscribers;
using Inspur.Domain.Channels;
using Inspur.Domain.Sessions;
using Inspur.Domain.Subscribers;
using Inspur.Host.Auth;
using Inspur.Host.Delivery;
using static Inspur.Domain.Sessions.SessionReplies;
using static Inspur.Domain.Sessions.StreamProtocol;
using static Inspur.Domain.Subscribers.SubscriberReplies;

namespace Inspur.Host.Api;

/// <summary>
/// <c>POST /api/v1/playback</c>: a signed-in subscriber's device asks to play a channel, live or from its archive. The
/// subscriber entity says whether the account may (active, entitled by a product); the account's concurrent streams are
/// counted (over the limit: 409 naming the sessions that hold it); a <c>session</c> entity is started; the answer is a
/// signed, expiring playback URL bound to session and content. Every refusal is problem+json and starts nothing.
/// </summary>
public static class PlaybackApi
{
    public const string Route = "/api/v1/playback";

    private static readonly string[] Fields = ["channel", "kind", "position", "behindLive"];

    public static IEndpointRouteBuilder MapPlaybackApi(this IEndpointRouteBuilder app)
    {
        app.MapPost(Route, async (HttpContext http, AuthSettings auth, ISubscriberService subscribers, ISessionService sessions, PlaybackUrls urls,
            PlaybackSettings playback, PlaybackRevocationList revocations, TimeProvider time, CancellationToken ct) =>
        {
            var now = time.GetUtcNow();
            if (!SubscriberAuthentication.TryAuthenticate(http, auth, now, out var claims, out var unauthorized)) return unauthorized;
            var (body, error) = await JsonBody.ReadAsync(http.Request, ct);
            if (error is not null) return error;
            var errors = new Dictionary<string, string[]>();
            if (Parse(body, now, errors) is not { } asked) return Results.ValidationProblem(errors);

            return await Guard(async () =>
            {
                switch (await subscribers.CheckAccessAsync(claims, ct))
                {
                    case null:
                        break;
                    case AccessDenial.Suspended or AccessDenial.Closed:
                        break; // the authorisation below answers these as 403
                    case var refused:
                        return SubscriberAuthentication.Unauthorized(http, "Access token no longer valid",
                            refused switch
                            {
                                AccessDenial.TokenRevoked => "the account's tokens were revoked (sign-out or BOSS); sign in again",
                                AccessDenial.DeviceRemoved => $"device {claims.DeviceId} is no longer one of the account's devices",
                                _ => $"no account {claims.SubscriberId}",
                            }, "invalid_token");
                }

                var authorization = await subscribers.AuthorizeAsync(claims.SubscriberId, asked.Channel, now, ct);
                if (authorization.Denial is { } denial) return Denied(denial, claims.SubscriberId, asked.Channel);

                var subscriber = claims.SubscriberId.Value;
                var start = new SessionStart(subscriber, claims.DeviceId, new PlaybackContent(asked.Kind, asked.Channel.Value));
                var (view, problem) = await StartAsync(sessions, SessionId.New(), start, asked.Position, authorization.StreamLimit, ct);
                if (view is null) return problem!;

                // Tokens carry whole seconds and a revocation refuses those issued up to its instant: right after a resume, wait
                // for the next second, so the URL granted now is not one the gate refuses.
                if (revocations.SubscriberRevokedAt(subscriber) is { } revoked && revoked >= TruncatedToSecond(time.GetUtcNow()))
                    await Task.Delay(revoked - time.GetUtcNow() + TimeSpan.FromSeconds(1), time, ct);

                var url = asked.BehindLive is { } behind
                    ? PlaybackUrls.TimeShift(urls.Token(view.SessionId, view.Start), asked.Channel, "main", behind)
                    : urls.Entry(view);
                return Results.Created($"{SessionApi.Route}/{view.SessionId}", new PlaybackGrant(view.SessionId.Value, url, asked.Kind == ContentKind.Live ? "live" : "archive",
                    asked.Channel.Value, authorization.Via?.Value, now + playback.Sessions.TokenLifetime, playback.Sessions.HeartbeatInterval.TotalSeconds,
                    playback.Sessions.IdleTimeout.TotalSeconds));
            });
        }).WithTags("playback");
        return app;
    }

    /// <summary>
    /// Counts the session among the subscriber's streams, then starts it: the session, or the problem to answer. A stream
    /// reserved for a session that did not start is given back, also when an ask fails (a timeout while shards move: the
    /// limiter or the entity may have acted before the answer was lost), so the 503 a box retries does not hold one of the
    /// account's streams until the lease runs out.
    /// </summary>
    internal static async Task<(SessionView? View, IResult? Problem)> StartAsync(ISessionService sessions, SessionId session, SessionStart start,
        SessionPosition position, int streamLimit, CancellationToken ct)
    {
        var subscriber = start.SubscriberId;
        try
        {
            switch (await sessions.ReserveStreamAsync(subscriber, session, streamLimit, ct))
            {
                case StreamRefused refused:
                    return (null, Results.Problem(
                        $"{subscriber} already plays {refused.Active.Count} stream(s), its limit is {refused.Limit}; stop one (POST /api/v1/sessions/{{id}}/stop) to play here",
                        statusCode: StatusCodes.Status409Conflict, title: "Stream limit reached",
                        extensions: new Dictionary<string, object?> { ["limit"] = refused.Limit, ["activeSessions"] = refused.Active.Select(s => s.Value).ToList() }));
                case not StreamGranted:
                    return (null, Results.Problem("the stream count did not answer as expected", statusCode: StatusCodes.Status500InternalServerError));
            }

            var reply = await sessions.StartAsync(session, start, position, ct);
            if (reply is SessionView view) return (view, null);
            sessions.ReleaseStream(subscriber, session);
            var message = reply is SessionRejected r ? r.Message : reply.GetType().Name;
            return (null, Results.Problem(message, statusCode: StatusCodes.Status400BadRequest, title: "Playback not started"));
        }
        catch
        {
            sessions.ReleaseStream(subscriber, session);
            throw;
        }
    }

    /// <summary>What a granted playback answers: the session, the URL to play (relative to this node) and its validity.</summary>
    public sealed record PlaybackGrant(string Session, string Url, string Kind, string Channel, string? Via, DateTimeOffset ExpiresAt, double HeartbeatSeconds,
        double IdleTimeoutSeconds);

    /// <param name="BehindLive">Asked as seconds behind live (played by the time-shift playlist), rather than from a time.</param>
    private sealed record Asked(ChannelId Channel, ContentKind Kind, SessionPosition Position, TimeSpan? BehindLive);

    /// <summary><c>channel</c>; <c>kind</c> live (default, at the edge) or archive with <c>position</c> (a programme time) or <c>behindLive</c> (seconds).</summary>
    private static Asked? Parse(JsonElement body, DateTimeOffset now, Dictionary<string, string[]> errors)
    {
        JsonBody.RejectUnknown(body, Fields, errors);
        var channel = JsonBody.RequiredString(body, "channel", errors);
        if (channel is not null && !ChannelId.IsValid(channel)) errors["channel"] = [$"'{Cut(channel)}' is not a channel id"];
        var kindText = JsonBody.OptionalString(body, "kind", errors, "live or archive") ?? "live";
        var kind = kindText switch { "live" => ContentKind.Live, "archive" => ContentKind.Archive, _ => (ContentKind?)null };
        if (kind is null) errors["kind"] = [$"kind '{Cut(kindText)}' must be live or archive"];

        SessionPosition? position = SessionPosition.LiveEdge;
        var hasPosition = body.TryGetProperty("position", out var at) && at.ValueKind != JsonValueKind.Null;
        var hasBehind = body.TryGetProperty("behindLive", out var behind) && behind.ValueKind != JsonValueKind.Null;
        if (kind == ContentKind.Live && (hasPosition || hasBehind))
            errors["kind"] = ["live plays at the edge; to start behind it or at a time, ask for kind archive"];
        else if (kind == ContentKind.Archive)
        {
            if (hasPosition == hasBehind) errors["position"] = ["archive playback needs either position (a programme time) or behindLive (seconds), exactly one"];
            else if (hasBehind)
                position = behind.ValueKind == JsonValueKind.Number && behind.TryGetDouble(out var seconds) && seconds is > 0 and <= 1800
                    ? SessionPosition.Archive(now - TimeSpan.FromSeconds(seconds))
                    : Bad(errors, "behindLive", "behindLive must be more than 0 and at most 1800 seconds");
            else
                position = JsonBody.OptionalTime(body, "position", errors) is { } instant
                    ? instant <= now ? SessionPosition.Archive(instant) : Bad(errors, "position", "position must not be in the future")
                    : null;
        }

        return errors.Count > 0 || channel is null || kind is null || position is null
            ? null
            : new Asked(new ChannelId(channel), kind.Value, position, hasBehind ? now - position.At : null);
    }

    private static SessionPosition? Bad(Dictionary<string, string[]> errors, string field, string message)
    {
        errors[field] = [message];
        return null;
    }

    private static IResult Denied(AuthorizationDenial denial, SubscriberId subscriber, ChannelId channel) => denial switch
    {
        AuthorizationDenial.NotEntitled => Results.Problem($"{subscriber} has no product that includes {channel} now", statusCode: StatusCodes.Status403Forbidden,
            title: "Not entitled"),
        AuthorizationDenial.Suspended => Results.Problem($"{subscriber} is suspended", statusCode: StatusCodes.Status403Forbidden, title: "Account suspended"),
        AuthorizationDenial.Closed => Results.Problem($"{subscriber} is closed", statusCode: StatusCodes.Status403Forbidden, title: "Account closed"),
        _ => Results.Problem($"no account {subscriber}", statusCode: StatusCodes.Status403Forbidden, title: "Unknown account"),
    };

    private static Task<IResult> Guard(Func<Task<IResult>> action) =>
        ClusterTimeout.GuardAsync(action, "Playback unavailable", "the cluster did not answer in time; retry later");

    private static DateTimeOffset TruncatedToSecond(DateTimeOffset at) => DateTimeOffset.FromUnixTimeSeconds(at.ToUnixTimeSeconds());

    private static string Cut(string value) => value.Length <= 80 ? value : value[..80] + "…";
}
