using Inspur.Domain.Channels;
using static Inspur.Domain.Sessions.SessionCommands;
using static Inspur.Domain.Sessions.SessionEvents;
using static Inspur.Domain.Sessions.SessionReplies;

namespace Inspur.Domain.Sessions;

/// <summary>
/// Pure state of one playback session: <see cref="Process"/> decides, <see cref="Apply"/> changes; no Akka in here.
/// The position is kept as of <see cref="PositionAt"/>; <see cref="PositionNow"/> adds what was played since at <see cref="Rate"/>.
/// </summary>
public sealed record SessionState(SessionId SessionId, SessionStart? Start, SessionPhase Phase, SessionPosition Position, double Rate,
    DateTimeOffset PositionAt, long Version, DateTimeOffset StartedAt, DateTimeOffset UpdatedAt) : IInspurMessage
{
    /// <summary>How far behind live a session may be; the live time shift window (<c>timeshift.m3u8?offset=</c>).</summary>
    public static readonly TimeSpan MaxBehindLive = TimeSpan.FromMinutes(30);

    public const double MaxRate = 64;

    public SessionEndReason? EndReason { get; init; }

    public static SessionState Empty(SessionId id) => new(id, null, SessionPhase.Playing, SessionPosition.LiveEdge, 1, default, 0, default, default);

    public bool Exists => Start is not null;

    public bool Active => Exists && Phase != SessionPhase.Ended;

    public (IReadOnlyList<ISessionEvent> Events, SessionRejected? Rejection) Process(ISessionCommand command, DateTimeOffset now)
    {
        if (command.SessionId != SessionId) return Reject(SessionRejection.Invalid, $"command for '{command.SessionId}' sent to session '{SessionId}'");
        if (command is StartSession start)
        {
            if ((Validate(start.Start) ?? Validate(start.Start?.Content, start.Position, now)) is { } problem) return Reject(SessionRejection.Invalid, problem.Message);
            if (!Exists) return Accept(new SessionStarted(SessionId, start.Start!, start.Position, now));
            // A retried start (the same playback) is answered with the session; anything else is a conflict.
            return start.Start == Start && Phase != SessionPhase.Ended
                ? Accept()
                : Reject(SessionRejection.AlreadyExists, $"session '{SessionId}' already exists");
        }

        if (!Exists) return Reject(SessionRejection.NotFound, $"session '{SessionId}' does not exist");
        if (Phase == SessionPhase.Ended) return Reject(SessionRejection.Ended, $"session '{SessionId}' has ended ({EndReason})");
        return command switch
        {
            PauseSession when Phase == SessionPhase.Paused => Accept(),
            PauseSession => Accept(new SessionPaused(SessionId, PositionNow(now), now)),
            ResumeSession when Phase == SessionPhase.Playing => Accept(),
            ResumeSession => Accept(new SessionResumed(SessionId, now)),
            SeekSession seek => Validate(Start!.Content, seek.Position, now) is { } problem
                ? Reject(SessionRejection.Invalid, problem.Message)
                : Accept(new SessionSeeked(SessionId, seek.Position, now)),
            SetSessionRate r when !double.IsFinite(r.Rate) || r.Rate == 0 || Math.Abs(r.Rate) > MaxRate =>
                Reject(SessionRejection.Invalid, $"rate must be a non-zero number between -{MaxRate} and {MaxRate}; pause instead of rate 0"),
            SetSessionRate r when r.Rate.Equals(Rate) => Accept(),
            SetSessionRate r => Accept(new SessionRateChanged(SessionId, r.Rate, PositionNow(now), now)),
            EndSession e when !Enum.IsDefined(e.Reason) => Reject(SessionRejection.Invalid, $"unknown end reason {(int)e.Reason}"),
            EndSession e => Accept(new SessionEnded(SessionId, e.Reason, PositionNow(now), now)),
            _ => Reject(SessionRejection.Invalid, $"unknown command {command.GetType().Name}"),
        };
    }

    public SessionState Apply(ISessionEvent evt) => evt switch
    {
        SessionStarted s => this with
        {
            Start = s.Start,
            Phase = SessionPhase.Playing,
            Position = s.Position,
            Rate = 1,
            PositionAt = s.At,
            Version = Version + 1,
            StartedAt = s.At,
            UpdatedAt = s.At,
        },
        SessionPaused p => Move(p.At) with { Phase = SessionPhase.Paused, Position = p.Position, PositionAt = p.At },
        // Paused, a live session falls behind the edge; resuming goes on from there.
        SessionResumed r => Move(r.At) with { Phase = SessionPhase.Playing, Position = PositionNow(r.At), PositionAt = r.At },
        SessionSeeked s => Move(s.At) with { Position = s.Position, PositionAt = s.At },
        SessionRateChanged r => Move(r.At) with { Rate = r.Rate, Position = r.Position, PositionAt = r.At },
        SessionEnded e => Move(e.At) with { Phase = SessionPhase.Ended, EndReason = e.Reason, Position = e.Position, PositionAt = e.At },
        _ => this,
    };

    /// <summary>
    /// The position at <paramref name="now"/>: an archive session moves at its rate while playing; a live one keeps its
    /// distance to the edge at rate 1, gains on it faster, and falls behind when paused or rewinding (0 … <see cref="MaxBehindLive"/>).
    /// </summary>
    public SessionPosition PositionNow(DateTimeOffset now)
    {
        var elapsed = now > PositionAt ? now - PositionAt : TimeSpan.Zero;
        var rate = Phase == SessionPhase.Playing ? Rate : 0;
        if (Phase == SessionPhase.Ended || elapsed == TimeSpan.Zero) return Position;
        if (Position.At is { } at) return SessionPosition.Archive(at + elapsed * rate);
        var behind = (Position.BehindLive ?? TimeSpan.Zero) + elapsed * (1 - rate);
        return SessionPosition.Live(behind < TimeSpan.Zero ? TimeSpan.Zero : behind > MaxBehindLive ? MaxBehindLive : behind);
    }

    /// <summary>Null for a session that was never started.</summary>
    public SessionView? View(DateTimeOffset now, DateTimeOffset? lastSeen = null) => Start is null
        ? null
        : new SessionView(SessionId, Start, Phase, PositionNow(now), Rate, Version, StartedAt, UpdatedAt, now) { EndReason = EndReason, LastSeen = lastSeen };

    /// <summary>Null when who and what are acceptable, else the first problem, naming the field as the REST API does.</summary>
    public static ConfigProblem? Validate(SessionStart? start)
    {
        if (start is null) return new("body", "who plays what is required");
        if (!PartyId.IsValid(start.SubscriberId)) return new("subscriber", "subscriber must be 1-128 letters, digits or . _ : @ -");
        if (!PartyId.IsValid(start.DeviceId)) return new("device", "device must be 1-128 letters, digits or . _ : @ -");
        if (start.Content is null || !start.Content.IsValid()) return new("content", "content must be live or archive with a channel id");
        return null;
    }

    /// <summary>Null when the position fits the content: live a distance behind the edge, archive an instant not in the future.</summary>
    public static ConfigProblem? Validate(PlaybackContent? content, SessionPosition? position, DateTimeOffset now)
    {
        if (position is null || position.BehindLive is null == position.At is null)
            return new("position", "give either behindLive (seconds behind the live edge) or position (a programme time)");
        switch (content?.Kind)
        {
            case ContentKind.Live:
                if (position.BehindLive is not { } behind) return new("position", "a live session is positioned by behindLive, seconds behind the live edge");
                if (behind < TimeSpan.Zero || behind > MaxBehindLive)
                    return new("behindLive", $"behindLive must be 0-{MaxBehindLive.TotalSeconds:0} seconds");
                return null;
            case ContentKind.Archive:
                if (position.At is not { } at) return new("position", "an archive session is positioned by a programme time");
                if (at.ToUnixTimeSeconds() < 0) return new("position", "position must be after 1970");
                if (at > now) return new("position", $"position {at.UtcDateTime:O} is in the future");
                return null;
            case ContentKind.Vod:
                return new("content", "VOD sessions are not served yet");
            default:
                return new("content", "content must be live or archive with a channel id");
        }
    }

    private SessionState Move(DateTimeOffset at) => this with { Version = Version + 1, UpdatedAt = at };

    private (IReadOnlyList<ISessionEvent>, SessionRejected?) Reject(SessionRejection reason, string message) =>
        (Array.Empty<ISessionEvent>(), new SessionRejected(SessionId, reason, message));

    private static (IReadOnlyList<ISessionEvent>, SessionRejected?) Accept(params ISessionEvent[] events) => (events, null);
}

/// <summary>
/// A snapshot of one <c>session</c> entity, a bucket of many sessions: every session it holds, playing, paused or ended
/// (ended ones are kept for the token lifetime, then forgotten).
/// </summary>
public sealed record SessionBucketState(IReadOnlyList<SessionState> Sessions) : IInspurMessage;
