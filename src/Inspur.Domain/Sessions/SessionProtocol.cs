namespace Inspur.Domain.Sessions;

/// <summary>
/// Where a session is in its content: for live, a distance behind the live edge (zero is the edge); for archive, the
/// programme-time instant being watched. Exactly one is set.
/// </summary>
public sealed record SessionPosition(TimeSpan? BehindLive, DateTimeOffset? At)
{
    public static readonly SessionPosition LiveEdge = new(TimeSpan.Zero, null);

    public static SessionPosition Live(TimeSpan behind) => new(behind, null);

    public static SessionPosition Archive(DateTimeOffset at) => new(null, at);
}

/// <summary>Who plays what: the subscriber and device (ids as the subscriber entity spells them) and the content.</summary>
public sealed record SessionStart(string SubscriberId, string DeviceId, PlaybackContent Content);

/// <summary>Where a session is in its life.</summary>
public enum SessionPhase
{
    Playing,
    Paused,
    Ended,
}

/// <summary>Why a session ended.</summary>
public enum SessionEndReason
{
    /// <summary>The player or the subscriber stopped it.</summary>
    Stopped,

    /// <summary>No heartbeat and no command for the idle timeout.</summary>
    Idle,

    /// <summary>An operator ended it.</summary>
    Kicked,

    /// <summary>Its token or its subscriber was revoked (a suspend, say).</summary>
    Revoked,
}

/// <summary>Commands a session entity accepts.</summary>
public static class SessionCommands
{
    public interface ISessionCommand : IWithSessionId, IInspurMessage;

    public sealed record StartSession(SessionId SessionId, SessionStart Start, SessionPosition Position) : ISessionCommand;

    public sealed record PauseSession(SessionId SessionId) : ISessionCommand;

    public sealed record ResumeSession(SessionId SessionId) : ISessionCommand;

    public sealed record SeekSession(SessionId SessionId, SessionPosition Position) : ISessionCommand;

    /// <summary>Fast-forward (rate above 1), rewind (below 0) or back to normal (1).</summary>
    public sealed record SetSessionRate(SessionId SessionId, double Rate) : ISessionCommand;

    public sealed record EndSession(SessionId SessionId, SessionEndReason Reason) : ISessionCommand;

    /// <summary>
    /// Addressed to a bucket, not a session: starts it if it is not running (so it recovers and sweeps its silent sessions
    /// after a restart or a hand-over even if none of them is asked for again); a running bucket ignores it.
    /// </summary>
    public sealed record WakeSessionBucket(string Bucket) : IInspurMessage;

    /// <summary>The delivery gate saw the session fetch something; kept in memory as last-seen, never persisted.</summary>
    public sealed record SessionHeartbeat(SessionId SessionId, DateTimeOffset At) : IWithSessionId, IInspurMessage;
}

/// <summary>Queries a session entity answers without changing state.</summary>
public static class SessionQueries
{
    /// <summary>Reading a session is no sign of life: it does not hold off the idle timeout.</summary>
    public sealed record GetSession(SessionId SessionId) : IWithSessionId, IInspurMessage, Akka.Actor.INotInfluenceReceiveTimeout;
}

/// <summary>Facts a session entity persists (state changes only, never heartbeats); tagged <see cref="SessionEvents.Tag"/>.</summary>
public static class SessionEvents
{
    public const string Tag = "session";

    public interface ISessionEvent : IWithSessionId, IInspurMessage
    {
        DateTimeOffset At { get; }
    }

    public sealed record SessionStarted(SessionId SessionId, SessionStart Start, SessionPosition Position, DateTimeOffset At) : ISessionEvent;

    public sealed record SessionPaused(SessionId SessionId, SessionPosition Position, DateTimeOffset At) : ISessionEvent;

    public sealed record SessionResumed(SessionId SessionId, DateTimeOffset At) : ISessionEvent;

    public sealed record SessionSeeked(SessionId SessionId, SessionPosition Position, DateTimeOffset At) : ISessionEvent;

    public sealed record SessionRateChanged(SessionId SessionId, double Rate, SessionPosition Position, DateTimeOffset At) : ISessionEvent;

    public sealed record SessionEnded(SessionId SessionId, SessionEndReason Reason, SessionPosition Position, DateTimeOffset At) : ISessionEvent;
}

/// <summary>What a session entity answers.</summary>
public static class SessionReplies
{
    public interface ISessionReply : IInspurMessage;

    /// <summary>The session now; <see cref="Position"/> is where it is at <see cref="AsOf"/>, counting the time played since the last change.</summary>
    public sealed record SessionView(SessionId SessionId, SessionStart Start, SessionPhase Phase, SessionPosition Position, double Rate, long Version,
        DateTimeOffset StartedAt, DateTimeOffset UpdatedAt, DateTimeOffset AsOf) : ISessionReply
    {
        public SessionEndReason? EndReason { get; init; }

        /// <summary>The last heartbeat this incarnation of the entity saw; null after a restart until the next one.</summary>
        public DateTimeOffset? LastSeen { get; init; }
    }

    public sealed record SessionRejected(SessionId SessionId, SessionRejection Reason, string Message) : ISessionReply;
}

/// <summary>Why a session command was refused; the REST layer maps each to an HTTP status.</summary>
public enum SessionRejection
{
    NotFound,
    AlreadyExists,
    Ended,
    Invalid,
}

/// <summary>Published to every node (distributed pub-sub) so each delivery gate refuses the revoked tokens within about a second.</summary>
public static class PlaybackRevocations
{
    public const string Topic = "playback-revocations";

    public interface IRevocation : IInspurMessage
    {
        DateTimeOffset At { get; }
    }

    /// <summary>Every token of this session is refused from now on (the session ended).</summary>
    public sealed record SessionRevoked(SessionId SessionId, DateTimeOffset At) : IRevocation;

    /// <summary>Every token of this subscriber issued at or before <see cref="At"/> is refused (a suspend, say).</summary>
    public sealed record SubscriberRevoked(string SubscriberId, DateTimeOffset At) : IRevocation;

    /// <summary>A node that joined asks each other node's listener for the revocations it holds (answered to the sender).</summary>
    public sealed record RevocationsWanted : IInspurMessage
    {
        public static readonly RevocationsWanted Instance = new();
    }

    /// <summary>Part of a listener's revocations, at most <see cref="MaxBatch"/> entries, so no message outgrows a remoting frame.</summary>
    public sealed record RevocationBatch(IReadOnlyList<SessionRevoked> Sessions, IReadOnlyList<SubscriberRevoked> Subscribers) : IInspurMessage
    {
        public const int MaxBatch = 500;
    }
}
