using Akka.Actor;
using Inspur.Actors.Sessions;
using Inspur.Actors.Subscribers;
using Inspur.Domain.Sessions;
using Inspur.Domain.Subscribers;
using static Inspur.Domain.Sessions.SessionReplies;
using static Inspur.Domain.Subscribers.SubscriberCommands;
using static Inspur.Domain.Subscribers.SubscriberReplies;

namespace Inspur.Host.Admin;

/// <summary>What the subscriber search shows: the accounts matching <see cref="Query"/>; <see cref="Problem"/> says why none could be read.</summary>
public sealed record SubscriberSearch(string Query, IReadOnlyList<SubscriberView> Rows, DateTimeOffset At, string? Problem = null);

/// <summary>
/// One account for its page: <see cref="View"/> is null when the id is not one, the account does not exist or nobody answered
/// (<see cref="Problem"/> says which); <see cref="SessionsProblem"/> says why its sessions could not be read.
/// </summary>
public sealed record SubscriberDetail(SubscriberView? View, IReadOnlyList<SessionView> Sessions, DateTimeOffset At, string? Problem = null,
    string? SessionsProblem = null, bool NotFound = false);

/// <summary>
/// Reads the subscriber pages from <see cref="ISubscriberService"/> (the directory for searches, the entity for one account)
/// and <see cref="ISessionService"/> (its sessions), and runs the operator's actions: each account action through the entity
/// with an idempotency key the page keeps until the action has answered, a kick through the session entity.
/// </summary>
public sealed class SubscriberBoardReader(ISubscriberService subscribers, ISessionService sessions)
{
    public const int SearchLimit = 100;
    public const int MaxQueryLength = 200;

    public async Task<SubscriberSearch> SearchAsync(string? query, CancellationToken ct)
    {
        var q = query?.Trim() ?? "";
        if (q.Length > MaxQueryLength) return new SubscriberSearch(q[..MaxQueryLength], [], DateTimeOffset.UtcNow, $"The search is at most {MaxQueryLength} characters.");
        try
        {
            return new SubscriberSearch(q, await subscribers.SearchAsync(q, SearchLimit, ct), DateTimeOffset.UtcNow);
        }
        catch (AskTimeoutException)
        {
            return new SubscriberSearch(q, [], DateTimeOffset.UtcNow, $"The subscriber directory did not answer within {SubscriberService.AskTimeout.TotalSeconds:0} s.");
        }
    }

    public async Task<SubscriberDetail> ReadOneAsync(string id, CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow;
        if (!SubscriberId.IsValid(id))
            return new SubscriberDetail(null, [], now, $"'{Cut(id)}' is not a subscriber id: 1-64 lower-case letters, digits or dashes.");
        ISubscriberReply reply;
        try
        {
            reply = await subscribers.GetAsync(new SubscriberId(id), ct);
        }
        catch (AskTimeoutException)
        {
            return new SubscriberDetail(null, [], now, $"The subscriber service did not answer within {SubscriberService.AskTimeout.TotalSeconds:0} s.");
        }

        if (reply is not SubscriberView view)
            return reply is SubscriberRejected { Reason: SubscriberRejection.NotFound }
                ? new SubscriberDetail(null, [], now, $"No subscriber '{id}' exists.", NotFound: true)
                : new SubscriberDetail(null, [], now, $"unexpected answer {reply.GetType().Name}");
        try
        {
            return new SubscriberDetail(view, await sessions.ListBySubscriberAsync(id, ct), DateTimeOffset.UtcNow);
        }
        catch (AskTimeoutException)
        {
            return new SubscriberDetail(view, [], DateTimeOffset.UtcNow,
                SessionsProblem: $"The session service did not answer within {SessionService.AskTimeout.TotalSeconds:0} s; active sessions are unknown.");
        }
    }

    /// <summary>Ends the session as kicked by the operator: its stream is freed and its playback token refused on every node.</summary>
    public Task<Notice> KickAsync(SessionId session) =>
        Run(async () => await sessions.KickAsync(session) switch
        {
            SessionView => new Notice($"session {session} kicked: its playback is refused from now on", Error: false),
            SessionRejected r => new Notice(r.Message, Error: true),
            var other => new Notice($"unexpected answer {other.GetType().Name}", Error: true),
        }, SessionService.AskTimeout);

    /// <summary>Runs an account action; <paramref name="done"/> is what the notice says when the entity accepted it.</summary>
    public Task<Notice> ExecuteAsync(ISubscriberCommand command, string done) =>
        Run(async () => await subscribers.ExecuteAsync(command) switch
        {
            SubscriberReceipt { Replayed: true } => new Notice($"{done} (already done by an earlier try)", Error: false),
            SubscriberReceipt => new Notice(done, Error: false),
            SubscriberRejected r => new Notice(r.Message, Error: true),
            var other => new Notice($"unexpected answer {other.GetType().Name}", Error: true),
        }, SubscriberService.AskTimeout);

    /// <summary>A fresh idempotency key for the next operator action.</summary>
    public static string NewKey() => $"admin-{Guid.NewGuid():N}";

    private static async Task<Notice> Run(Func<Task<Notice>> action, TimeSpan timeout)
    {
        try
        {
            return await action();
        }
        catch (AskTimeoutException)
        {
            return new Notice($"The cluster did not answer within {timeout.TotalSeconds:0} s; nothing is known to have changed. Retry later.", Error: true);
        }
    }

    private static string Cut(string value) => value.Length <= 80 ? value : value[..80] + "…";
}
