using Inspur.Actors.Sessions;
using Inspur.Actors.Subscribers;
using Inspur.Domain.Sessions;
using static Inspur.Domain.Sessions.SessionReplies;

namespace Inspur.Host.Api;

/// <summary>
/// The BOSS's view of playback: an account's active sessions (<c>GET /subscribers/{id}/sessions</c>) and the operator's kick
/// (<c>DELETE /sessions/{sessionId}</c>), which ends the session, frees its stream and refuses its token on every node.
/// A kick needs no Idempotency-Key: kicking a kicked session answers it again and changes nothing.
/// </summary>
public static partial class BossApi
{
    private static void MapSessions(RouteGroupBuilder group)
    {
        group.MapGet("/subscribers/{id}/sessions", async (string id, ISubscriberService subscribers, ISessionService sessions, CancellationToken ct) =>
            await Read(id, subscribers, async v => Results.Ok((await sessions.ListBySubscriberAsync(v.SubscriberId.Value, ct)).Select(SessionDto.Of)), ct))
            .WithSummary("List an account's active playback sessions")
            .Produces<IReadOnlyList<SessionDto>>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);

        group.MapDelete("/sessions/{sessionId}", async (string sessionId, ISessionService sessions, CancellationToken ct) =>
            !SessionId.IsValid(sessionId)
                ? Invalid("sessionId", $"'{Truncate(sessionId)}' is not a session id: 1-64 lower-case letters, digits or dashes")
                : await Guard(async () => await sessions.KickAsync(new SessionId(sessionId), ct) switch
                {
                    SessionView v => Results.Ok(SessionDto.Of(v)),
                    SessionRejected { Reason: SessionRejection.NotFound } r => Problem(StatusCodes.Status404NotFound, "Session not found", r.Message),
                    SessionRejected { Reason: SessionRejection.Ended } r => Problem(StatusCodes.Status409Conflict, "Session ended", r.Message),
                    SessionRejected r => Problem(StatusCodes.Status400BadRequest, "Invalid request", r.Message),
                    var other => Unexpected(other),
                }))
            .WithSummary("Kick a playback session")
            .WithDescription("The session ends as Kicked, its stream is freed and its token refused on every node. No Idempotency-Key: a retry answers the ended session (409).")
            .Produces<SessionDto>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
    }
}
