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

    /// <summary>The longest a playback token may live; revocations are kept this long, after which every token they cover has expired.</summary>
    public TimeSpan TokenLifetime { get; init; } = TimeSpan.FromHours(4);
}

/// <summary>
/// The sharded, persistent <c>session</c> entity: persists what <see cref="SessionState.Process"/> decides (state changes
/// only), keeps the last heartbeat in memory, ends itself as idle after <see cref="SessionSettings.IdleTimeout"/> without
/// one, and tells every node's delivery gate when it has ended. An untyped actor with a switch rather than a
/// <c>ReceivePersistentActor</c>: no per-instance handler tables, so an idle session costs little memory.
/// </summary>
public sealed class SessionActor : UntypedPersistentActor
{
    public const string EntityTypeName = "session";
    public const int SnapshotEvery = 50;

    private static readonly string[] Tags = [SessionEvents.Tag];
    private readonly SessionSettings _settings;
    private SessionState _state;
    private DateTimeOffset? _lastSeen;
    private DateTimeOffset _leaseRenewed = DateTimeOffset.MinValue;

    /// <summary>The entity id is the actor's name (sharding escapes it; session ids need no escaping), so every entity shares one <see cref="Props"/>.</summary>
    public SessionActor(SessionSettings settings)
    {
        _settings = settings;
        var entityId = Uri.UnescapeDataString(Self.Path.Name);
        _state = SessionState.Empty(new SessionId(entityId));
        PersistenceId = $"{EntityTypeName}-{entityId}";
    }

    public override string PersistenceId { get; }

    protected override void OnRecover(object message)
    {
        switch (message)
        {
            case SnapshotOffer { Snapshot: SessionState snapshot }:
                _state = snapshot;
                break;
            case ISessionEvent evt:
                _state = _state.Apply(evt);
                break;
            case RecoveryCompleted:
                // A session still active after a restart or a hand-over ends as idle unless a heartbeat comes.
                if (_state.Active) Context.SetReceiveTimeout(_settings.IdleTimeout);
                break;
        }
    }

    protected override void OnCommand(object message)
    {
        switch (message)
        {
            case SessionHeartbeat beat:
                if (!_state.Active) PassivateSelf();
                else if (_lastSeen is null || beat.At > _lastSeen)
                {
                    _lastSeen = beat.At;
                    RenewLease(beat.At);
                }

                break;
            case GetSession:
                Reply(Sender, (ISessionReply?)_state.View(DateTimeOffset.UtcNow, _lastSeen) ??
                              new SessionRejected(_state.SessionId, SessionRejection.NotFound, $"session '{_state.SessionId}' does not exist"));
                if (!_state.Active) PassivateSelf();
                break;
            case ISessionCommand command:
                Handle(command);
                break;
            case ReceiveTimeout:
                if (_state.Active) Handle(new EndSession(_state.SessionId, SessionEndReason.Idle));
                else PassivateSelf();
                break;
            case ForgetSender:
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

    private void Handle(ISessionCommand command)
    {
        var sender = Sender;
        var now = DateTimeOffset.UtcNow;
        var (events, rejection) = _state.Process(command, now);
        if (rejection is not null)
        {
            Reply(sender, rejection);
            if (!_state.Active) PassivateSelf();
            return;
        }

        if (events.Count == 0)
        {
            Reply(sender, _state.View(now, _lastSeen)!);
            return;
        }

        var remaining = events.Count;
        PersistAll(events.Select(e => new Tagged(e, Tags)), tagged =>
        {
            var evt = (ISessionEvent)tagged.Payload;
            _state = _state.Apply(evt);
            if (LastSequenceNr % SnapshotEvery == 0) SaveSnapshot(_state);
            if (evt is SessionStarted started)
            {
                Context.SetReceiveTimeout(_settings.IdleTimeout);
                RenewLease(started.At);
            }

            if (evt is SessionEnded ended)
            {
                DistributedPubSub.Get(Context.System).Mediator.Tell(new Publish(PlaybackRevocations.Topic, new PlaybackRevocations.SessionRevoked(ended.SessionId, ended.At)));
                Context.SetReceiveTimeout(null);
                Limiter()?.Tell(new StreamProtocol.ReleaseStream(_state.Start!.SubscriberId, ended.SessionId));
                Log.Info("session {0} ended: {1}", ended.SessionId, ended.Reason);
            }

            if (--remaining > 0) return;
            Reply(sender, _state.View(DateTimeOffset.UtcNow, _lastSeen)!);
            if (!_state.Active) PassivateSelf();
        });
    }

    /// <summary>
    /// An actor keeps the sender of the last message it handled until the next one: after an ask, the asker's temporary
    /// actor with its answered task and the reply (about 350 bytes), held until the next heartbeat, or for good by a
    /// session that gets none; a message to itself without a sender lets go of it.
    /// </summary>
    private void ForgetAsker() => Self.Tell(ForgetSender.Instance, ActorRefs.NoSender);

    private sealed class ForgetSender : INotInfluenceReceiveTimeout
    {
        public static readonly ForgetSender Instance = new();
    }

    /// <summary>
    /// Keeps the subscriber's stream lease of a playing session running: renewed at most every third of the idle timeout,
    /// each time for one and a half idle timeouts, so it outlives the session only briefly if the release is lost.
    /// </summary>
    private void RenewLease(DateTimeOffset at)
    {
        if (_state.Start is not { } start || at - _leaseRenewed < _settings.IdleTimeout / 3) return;
        _leaseRenewed = at;
        Limiter()?.Tell(new StreamProtocol.RenewStream(start.SubscriberId, _state.SessionId, at + _settings.IdleTimeout * 1.5));
    }

    private static IActorRef? Limiter() =>
        Akka.Hosting.ActorRegistry.For(Context.System).TryGet<StreamLimiterActor>(out var limiter) ? limiter : null;

    /// <summary>The gate and the idle timer send without a sender; nobody waits for those answers.</summary>
    private void Reply(IActorRef sender, ISessionReply reply)
    {
        if (sender.IsNobody()) return;
        sender.Tell(reply);
        if (_state.Active) ForgetAsker();
    }

    /// <summary>An ended or never-started session need not stay in memory; its journal answers if it is asked again.</summary>
    private void PassivateSelf() => Context.Parent.Tell(new Passivate(PoisonPill.Instance));
}

/// <summary>Routes every <see cref="IWithSessionId"/> message to its session entity.</summary>
public sealed class SessionMessageExtractor() : HashCodeMessageExtractor(ShardCount)
{
    public const int ShardCount = 100;

    public override string? EntityId(object message) => message switch
    {
        IWithSessionId m => m.SessionId.Value,
        _ => null,
    };
}
