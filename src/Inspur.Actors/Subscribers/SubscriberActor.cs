using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Persistence;
using Akka.Persistence.Journal;
using Inspur.Actors.Projections;
using Inspur.Domain.Subscribers;
using static Inspur.Domain.Subscribers.SubscriberCommands;
using static Inspur.Domain.Subscribers.SubscriberEvents;
using static Inspur.Domain.Subscribers.SubscriberQueries;
using static Inspur.Domain.Subscribers.SubscriberReplies;

namespace Inspur.Actors.Subscribers;

/// <summary>
/// The sharded, persistent <c>subscriber</c> entity: persists what <see cref="SubscriberState.Process"/> decides, one event per
/// accepted command, and answers its receipt. Commands arriving while an event is being written wait (Persist stashes them),
/// so concurrent retries of one idempotency key see the key once it is applied and write nothing.
/// </summary>
public sealed class SubscriberActor : SnapshottingActor
{
    public const string EntityTypeName = "subscriber";
    public const int SnapshotEvery = 20;

    private static readonly string[] Tags = [SubscriberEvents.Tag];
    private SubscriberState _state;

    public SubscriberActor(string entityId)
    {
        _state = SubscriberState.Empty(new SubscriberId(entityId));
        PersistenceId = $"{EntityTypeName}-{entityId}";

        Recover<SnapshotOffer>(offer =>
        {
            if (offer.Snapshot is SubscriberState snapshot) _state = snapshot;
        });
        Recover<ISubscriberEvent>(evt => _state = _state.Apply(evt));

        Command<ISubscriberCommand>(Handle);
        Command<GetSubscriber>(_ =>
        {
            Sender.Tell((ISubscriberReply?)_state.View() ?? NotFound());
            PassivateIfEmpty();
        });
        Command<Authorize>(a =>
        {
            Sender.Tell(_state.Authorize(a.ChannelId, a.At));
            PassivateIfEmpty();
        });
        Command<GetSignIn>(_ =>
        {
            Sender.Tell(_state.SignIn());
            PassivateIfEmpty();
        });
        Command<GetEntitlements>(q =>
        {
            Sender.Tell(_state.Exists ? _state.EntitlementsAt(q.At) : NotFound());
            PassivateIfEmpty();
        });
        Command<CheckAccess>(c =>
        {
            Sender.Tell(new AccessCheck(_state.SubscriberId, _state.CheckAccess(c.DeviceId, c.IssuedAt)));
            PassivateIfEmpty();
        });
        KeepOnlyLatestSnapshot();
    }

    public override string PersistenceId { get; }

    private void Handle(ISubscriberCommand command)
    {
        var decision = _state.Process(command, DateTimeOffset.UtcNow);
        if (decision.Reply is { } reply)
        {
            Sender.Tell(reply);
            PassivateIfEmpty();
            return;
        }

        var sender = Sender;
        var evt = decision.Events.Single();
        Persist(new Tagged(evt, Tags), _ =>
        {
            _state = _state.Apply(evt);
            if (LastSequenceNr % SnapshotEvery == 0) SaveSnapshot(_state);
            sender.Tell(_state.ReceiptFor(evt.IdempotencyKey));
        });
    }

    private SubscriberRejected NotFound() =>
        new(_state.SubscriberId, SubscriberRejection.NotFound, $"subscriber '{_state.SubscriberId}' does not exist");

    /// <summary>An entity woken by a query or a refused command for an account that does not exist need not stay in memory.</summary>
    private void PassivateIfEmpty()
    {
        if (!_state.Exists) Context.Parent.Tell(new Passivate(PoisonPill.Instance));
    }
}

/// <summary>Routes every <see cref="IWithSubscriberId"/> message to its subscriber entity.</summary>
public sealed class SubscriberMessageExtractor() : HashCodeMessageExtractor(ShardCount)
{
    public const int ShardCount = 100;

    public override string? EntityId(object message) => message switch
    {
        IWithSubscriberId m => m.SubscriberId.Value,
        _ => null,
    };
}
