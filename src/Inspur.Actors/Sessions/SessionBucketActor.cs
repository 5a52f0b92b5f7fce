using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Event;
using Akka.Persistence;
using Akka.Persistence.Journal;
using Inspur.Domain.Sessions;
using static Inspur.Domain.Sessions.SessionCommands;
using static Inspur.Domain.Sessions.SessionEvents;
using static Inspur.Domain.Sessions.SessionQueries;
using static Inspur.Domain.Sessions.SessionReplies;

namespace Inspur.Actors.Sessions;

/// <summary>Playback session settings (<c>Inspur:Playback:*</c>) the entity, the heartbeat reporter and the revocation list share.</summary>
public sealed record SessionSettings
{
    /// <summary>No heartbeat and no command for this long ends a session as idle.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>At most one heartbeat per session per interval leaves a node.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The longest a playback token may live; revocations are kept this long, after which every token they cover has
    /// expired, and so are ended sessions (asking for one later answers not found).
    /// </summary>
    public TimeSpan TokenLifetime { get; init; } = TimeSpan.FromHours(4);

    /// <summary>
    /// How often the <c>session-waker</c> singleton wakes every bucket (spread over the interval), so a bucket that restarted
    /// or moved to another node ends its silent sessions even if nobody asks for them.
    /// </summary>
    public TimeSpan WakeEvery { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How often a bucket looks for sessions gone idle and ended ones to forget: a quarter of the shorter of the idle timeout
    /// and the token lifetime, so a session ends at most a quarter of its idle timeout late.
    /// </summary>
    public TimeSpan IdleSweep => TimeSpan.FromTicks(Math.Max(TimeSpan.FromMilliseconds(50).Ticks, Math.Min(IdleTimeout.Ticks, TokenLifetime.Ticks) / 4));
}

/// <summary>
/// The sharded, persistent <c>session</c> entity: one bucket of the playback sessions whose ids hash to it
/// (<see cref="SessionMessageExtractor"/>), each a row deciding with <see cref="SessionState.Process"/> and persisting
/// only state changes. A bucket keeps each session's last heartbeat in memory, ends sessions without one for
/// <see cref="SessionSettings.IdleTimeout"/> as idle (one sweep timer per bucket, not one per session), and tells every
/// node's delivery gate when a session has ended. Rows rather than an actor per session: an actor with Akka.Persistence's
/// state, a mailbox, a death watch and a timer costs about 2.5 KB before any session data (bench/session-memory, docs/decisions.md).
/// </summary>
public sealed class SessionBucketActor : UntypedPersistentActor, IWithTimers
{
    public const string EntityTypeName = "session";

    /// <summary>At least this many events between snapshots; more for a bucket holding more sessions, so a snapshot costs about a row per event.</summary>
    public const int SnapshotEvery = 100;

    private static readonly string[] Tags = [SessionEvents.Tag];
    private readonly SessionSettings _settings;
    private readonly Dictionary<string, Row> _rows = new(StringComparer.Ordinal);
    private int _sinceSnapshot;

    /// <summary>The bucket is the actor's name (sharding escapes it; bucket names need no escaping), so every bucket shares one <see cref="Props"/>.</summary>
    public SessionBucketActor(SessionSettings settings)
    {
        _settings = settings;
        // "sessions-0421": never the id of the former entity per session ("session-{id}"), whose journals stay untouched.
        PersistenceId = $"sessions-{Uri.UnescapeDataString(Self.Path.Name)}";
    }

    public override string PersistenceId { get; }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void OnRecover(object message)
    {
        switch (message)
        {
            case SnapshotOffer { Snapshot: SessionBucketState snapshot }:
                _rows.Clear();
                foreach (var state in snapshot.Sessions) _rows[state.SessionId.Value] = new Row(state);
                break;
            case ISessionEvent evt:
                Apply(evt);
                break;
            case RecoveryCompleted:
                // Sessions still active after a restart or a hand-over end as idle unless a heartbeat or a command comes.
                var now = Environment.TickCount64;
                foreach (var row in _rows.Values) row.ActiveAt = now;
                Forget(DateTimeOffset.UtcNow);
                KeepSweeping();
                break;
        }
    }

    protected override void OnCommand(object message)
    {
        switch (message)
        {
            case SessionHeartbeat beat:
                // A heartbeat for a session that ended or never started changes nothing and creates nothing.
                if (_rows.TryGetValue(beat.SessionId.Value, out var row) && row.State.Active)
                {
                    row.ActiveAt = Environment.TickCount64;
                    if (beat.At.UtcTicks > row.LastSeen)
                    {
                        row.LastSeen = beat.At.UtcTicks;
                        RenewLease(row, beat.At);
                    }
                }

                break;
            case GetSession get:
                // Reading a session is no sign of life: it does not hold off the idle end.
                Reply(Sender, _rows.TryGetValue(get.SessionId.Value, out var found)
                    ? found.View(DateTimeOffset.UtcNow)
                    : new SessionRejected(get.SessionId, SessionRejection.NotFound, $"session '{get.SessionId}' does not exist"));
                break;
            case ISessionCommand command:
                Handle([command], Sender);
                break;
            case Sweep:
                EndIdle();
                break;
            case WakeSessionBucket:
                // Running (and recovered) already, which is all a wake asks.
                break;
            case StopBucket:
                // Sharding's hand-off or idle passivation. A write in flight is finished first (commands are stashed until
                // it is), so its reply, its revocation and its lease release are not lost.
                Context.Stop(Self);
                break;
            case SaveSnapshotSuccess saved:
                DeleteSnapshots(new SnapshotSelectionCriteria(saved.Metadata.SequenceNr - 1));
                break;
            case SaveSnapshotFailure failed:
                Log.Warning(failed.Cause, "snapshot of {0} failed", PersistenceId);
                break;
            case DeleteSnapshotsSuccess:
                break;
            case DeleteSnapshotsFailure failed:
                Log.Warning(failed.Cause, "deleting old snapshots of {0} failed", PersistenceId);
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    /// <summary>
    /// Decides each command against its session's row and persists what was accepted in one write; the sender (if any)
    /// gets one answer per command, after its events are stored. Commands of one bucket are taken one write at a time.
    /// </summary>
    private void Handle(IReadOnlyList<ISessionCommand> commands, IActorRef? sender)
    {
        var now = DateTimeOffset.UtcNow;
        var accepted = new List<(ISessionCommand Command, int Events)>(commands.Count);
        var events = new List<Tagged>(commands.Count);
        foreach (var command in commands)
        {
            var row = _rows.GetValueOrDefault(command.SessionId.Value);
            // Any command for a session is a sign of life, as every message but a read was to the former actor per session.
            if (row is not null) row.ActiveAt = Environment.TickCount64;
            var (decided, rejection) = (row?.State ?? SessionState.Empty(command.SessionId)).Process(command, now);
            if (rejection is not null) Reply(sender, rejection);
            else if (decided.Count == 0) Reply(sender, row!.View(now));
            else
            {
                accepted.Add((command, decided.Count));
                events.AddRange(decided.Select(e => new Tagged(e, Tags)));
            }
        }

        if (events.Count == 0) return;
        var next = 0;
        var remaining = accepted[0].Events;
        PersistAll(events, tagged =>
        {
            Apply((ISessionEvent)tagged.Payload);
            if (++_sinceSnapshot >= Math.Max(SnapshotEvery, _rows.Count))
            {
                _sinceSnapshot = 0;
                SaveSnapshot(new SessionBucketState(_rows.Values.Select(r => r.State).ToList()));
            }

            if (--remaining > 0) return;
            Reply(sender, _rows[accepted[next].Command.SessionId.Value].View(DateTimeOffset.UtcNow));
            if (++next < accepted.Count) remaining = accepted[next].Events;
        });
    }

    /// <summary>Applies a stored event to its session's row (a start makes the row); while commanding, also what follows from it.</summary>
    private void Apply(ISessionEvent evt)
    {
        var key = evt.SessionId.Value;
        if (!_rows.TryGetValue(key, out var row))
        {
            if (evt is not SessionStarted) return;
            _rows[key] = row = new Row(SessionState.Empty(evt.SessionId)) { ActiveAt = Environment.TickCount64 };
        }

        row.State = row.State.Apply(evt);
        if (IsRecovering) return;
        switch (evt)
        {
            case SessionStarted started:
                RenewLease(row, started.At);
                KeepSweeping();
                break;
            case SessionEnded ended:
                DistributedPubSub.Get(Context.System).Mediator.Tell(new Publish(PlaybackRevocations.Topic, new PlaybackRevocations.SessionRevoked(ended.SessionId, ended.At)));
                Limiter()?.Tell(new StreamProtocol.ReleaseStream(row.State.Start!.SubscriberId, ended.SessionId));
                Log.Info("session {0} ended: {1}", ended.SessionId, ended.Reason);
                break;
        }
    }

    /// <summary>Ends, in one write, every active session without a heartbeat or a command for the idle timeout; forgets long-ended ones.</summary>
    private void EndIdle()
    {
        var now = Environment.TickCount64;
        var idleMs = (long)_settings.IdleTimeout.TotalMilliseconds;
        var idle = _rows.Values.Where(r => r.State.Active && now - r.ActiveAt >= idleMs)
            .Select(r => (ISessionCommand)new EndSession(r.State.SessionId, SessionEndReason.Idle))
            .ToList();
        if (idle.Count > 0) Handle(idle, ActorRefs.NoSender);
        Forget(DateTimeOffset.UtcNow);
        if (_rows.Count == 0) Timers.Cancel(Sweep.Instance);
    }

    /// <summary>
    /// Drops sessions that ended a token lifetime ago: no token of theirs can be valid any more, so nothing asks for them
    /// but a stale read, which then answers not found. Their events stay in the journal.
    /// </summary>
    private void Forget(DateTimeOffset now)
    {
        List<string>? gone = null;
        foreach (var (key, row) in _rows)
        {
            if (row.State.Phase == SessionPhase.Ended && now - row.State.UpdatedAt >= _settings.TokenLifetime) (gone ??= []).Add(key);
        }

        foreach (var key in gone ?? []) _rows.Remove(key);
    }

    private void KeepSweeping()
    {
        if (_rows.Count > 0 && !Timers.IsTimerActive(Sweep.Instance)) Timers.StartPeriodicTimer(Sweep.Instance, Sweep.Instance, _settings.IdleSweep);
    }

    /// <summary>
    /// Keeps the subscriber's stream lease of a playing session running: renewed at most every third of the idle timeout,
    /// each time for one and a half idle timeouts, so it outlives the session only briefly if the release is lost.
    /// </summary>
    private void RenewLease(Row row, DateTimeOffset at)
    {
        if (row.State.Start is not { } start || at.UtcTicks - row.LeaseRenewed < (_settings.IdleTimeout / 3).Ticks) return;
        row.LeaseRenewed = at.UtcTicks;
        Limiter()?.Tell(new StreamProtocol.RenewStream(start.SubscriberId, row.State.SessionId, at + _settings.IdleTimeout * 1.5));
    }

    private static IActorRef? Limiter() =>
        Akka.Hosting.ActorRegistry.For(Context.System).TryGet<StreamLimiterActor>(out var limiter) ? limiter : null;

    /// <summary>The gate and the idle sweep send without a sender; nobody waits for those answers.</summary>
    private static void Reply(IActorRef? sender, ISessionReply reply)
    {
        if (sender is not null && !sender.IsNobody()) sender.Tell(reply);
    }

    /// <summary>One session: its persisted state and what only this incarnation knows (ticks, 0 for never).</summary>
    private sealed class Row(SessionState state)
    {
        public SessionState State = state;

        /// <summary>The last heartbeat's time (UTC ticks).</summary>
        public long LastSeen;

        /// <summary>When the stream lease was last renewed (UTC ticks).</summary>
        public long LeaseRenewed;

        /// <summary>The last sign of life, on <see cref="Environment.TickCount64"/>'s clock.</summary>
        public long ActiveAt;

        public SessionView View(DateTimeOffset now) => State.View(now, LastSeen == 0 ? null : new DateTimeOffset(LastSeen, TimeSpan.Zero))!;
    }

    private sealed class Sweep
    {
        public static readonly Sweep Instance = new();
    }

    /// <summary>What sharding sends a bucket to stop it (hand-off, idle passivation) instead of a <c>PoisonPill</c>, which would stop it mid-write.</summary>
    public sealed class StopBucket
    {
        public static readonly StopBucket Instance = new();
    }
}

/// <summary>
/// Routes every <see cref="IWithSessionId"/> message to its bucket: one of <see cref="BucketCount"/> <c>session</c> entities,
/// chosen by a stable hash of the session id (FNV-1a, the same on every node and in every version).
/// </summary>
public sealed class SessionMessageExtractor() : HashCodeMessageExtractor(ShardCount)
{
    public const int ShardCount = 100;

    /// <summary>About a hundred sessions per bucket at 100,000 sessions: small snapshots, quick recoveries, little per-bucket overhead.</summary>
    public const int BucketCount = 1024;

    public override string? EntityId(object message) => message switch
    {
        IWithSessionId m => BucketOf(m.SessionId),
        WakeSessionBucket w => w.Bucket,
        _ => null,
    };

    /// <summary>Every bucket's entity id.</summary>
    public static IEnumerable<string> AllBuckets() => Enumerable.Range(0, BucketCount).Select(Name);

    /// <summary>A bucket's entity id: its number in four digits.</summary>
    private static string Name(int bucket) => bucket.ToString("D4", System.Globalization.CultureInfo.InvariantCulture);

    public static string BucketOf(SessionId session)
    {
        var hash = 2166136261u;
        foreach (var c in session.Value) hash = (hash ^ c) * 16777619u;
        return Name((int)(hash % BucketCount));
    }
}
