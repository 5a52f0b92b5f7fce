using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;
using Akka.Persistence;
using Akka.Persistence.Journal;
using Inspur.Actors.Projections;
using Inspur.Domain.Channels;
using static Inspur.Domain.Channels.ChannelCommands;
using static Inspur.Domain.Channels.ChannelEvents;
using static Inspur.Domain.Channels.ChannelQueries;
using static Inspur.Domain.Channels.ChannelReplies;

namespace Inspur.Actors.Channels;

/// <summary>The sharded, persistent <c>channel</c> entity: persists what <see cref="ChannelState.Process"/> decides.</summary>
public sealed class ChannelActor : SnapshottingActor
{
    public const string EntityTypeName = "channel";
    public const int SnapshotEvery = 50;

    private static readonly string[] Tags = [ChannelEvents.Tag];
    private readonly ILivePipelines? _pipelines;
    private ChannelState _state;
    private IActorRef? _pipeline;
    private IActorRef? _stopping;
    private ChannelConfig? _pipelineConfig;
    private ChannelLiveStatus? _live;

    /// <param name="pipelines">The node's data plane; null where the entity only keeps state (no media on this node).</param>
    public ChannelActor(string entityId, ILivePipelines? pipelines = null)
    {
        _pipelines = pipelines;
        _state = ChannelState.Empty(new ChannelId(entityId));
        PersistenceId = $"{EntityTypeName}-{entityId}";

        Recover<SnapshotOffer>(offer =>
        {
            if (offer.Snapshot is ChannelState snapshot) _state = snapshot;
        });
        Recover<IChannelEvent>(evt => _state = _state.Apply(evt));
        Recover<RecoveryCompleted>(_ => Reconcile());

        Command<IChannelCommand>(Handle);
        Command<KeepRunning>(_ =>
        {
            if (_state.ShouldRun) Reconcile();
            else PassivateIfEmpty();
        });
        Command<Terminated>(t =>
        {
            if (!t.ActorRef.Equals(_stopping)) return;
            _stopping = null;
            if (_pipeline is null && _pipelineConfig is { } config) StartPipeline(config);
        });
        Command<ChannelPipelineActor.Status>(s =>
        {
            if (Sender.Equals(_pipeline)) _live = s.Live;
        });
        Command<GetChannel>(_ =>
        {
            Sender.Tell((IChannelReply?)View() ?? NotFound());
            PassivateIfEmpty();
        });
        KeepOnlyLatestSnapshot();
    }

    public override string PersistenceId { get; }

    private void Handle(IChannelCommand command)
    {
        var (events, rejection) = _state.Process(command, DateTimeOffset.UtcNow);
        if (rejection is not null)
        {
            Sender.Tell(rejection);
            PassivateIfEmpty();
            return;
        }

        if (events.Count == 0)
        {
            Sender.Tell(View()!);
            return;
        }

        var tagged = events.Select(e => new Tagged(e, Tags));
        var remaining = events.Count;
        PersistAll(tagged, t =>
        {
            _state = _state.Apply((IChannelEvent)t.Payload);
            if (LastSequenceNr % SnapshotEvery == 0) SaveSnapshot(_state);
            if (--remaining == 0)
            {
                Reconcile();
                Sender.Tell(View()!);
            }
        });
    }

    /// <summary>
    /// Runs the pipeline exactly when the state says so, restarting it when the config changed. A successor starts only
    /// once its predecessor has stopped (and taken its renditions off the air and released its port), so the two never
    /// overlap: started side by side, the old one could publish after the new one and then remove what it published.
    /// </summary>
    private void Reconcile()
    {
        if (_pipelines is null) return;
        var want = _state.ShouldRun ? _state.Config : null;
        if (want == _pipelineConfig && (_pipeline is null) == (want is null)) return;
        _pipelineConfig = want;
        _live = null;
        if (_pipeline is not null)
        {
            _stopping = _pipeline;
            _pipeline = null;
            Context.Watch(_stopping);
            Context.Stop(_stopping);
        }

        if (_stopping is null && want is not null) StartPipeline(want);
    }

    private void StartPipeline(ChannelConfig config) =>
        _pipeline = Context.ActorOf(Props.Create(() => new ChannelPipelineActor(_state.ChannelId, config, _pipelines!)), $"pipeline-{LastSequenceNr}");

    /// <summary>The state's view, with what the running pipeline measures.</summary>
    private ChannelView? View() => _state.View() is { } view && _live is not null ? view with { Live = _live } : _state.View();

    private ChannelRejected NotFound() =>
        new(_state.ChannelId, ChannelRejection.NotFound, $"channel '{_state.ChannelId}' does not exist");

    /// <summary>An entity woken by a query or a refused command for a channel that does not exist need not stay in memory.</summary>
    private void PassivateIfEmpty()
    {
        if (!_state.Exists) Context.Parent.Tell(new Passivate(PoisonPill.Instance));
    }
}

/// <summary>Routes every <see cref="IWithChannelId"/> message to its channel entity.</summary>
public sealed class ChannelMessageExtractor() : HashCodeMessageExtractor(ShardCount)
{
    public const int ShardCount = 100;

    public override string? EntityId(object message) => message switch
    {
        IWithChannelId m => m.ChannelId.Value,
        _ => null,
    };
}
