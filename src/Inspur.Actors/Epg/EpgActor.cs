using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;
using Akka.Persistence;
using Akka.Persistence.Journal;
using Inspur.Actors.Projections;
using Inspur.Domain.Channels;
using Inspur.Domain.Epg;
using static Inspur.Domain.Epg.EpgCommands;
using static Inspur.Domain.Epg.EpgEvents;
using static Inspur.Domain.Epg.EpgQueries;
using static Inspur.Domain.Epg.EpgReplies;

namespace Inspur.Actors.Epg;

/// <summary>The sharded, persistent <c>epg</c> entity of one channel: persists what <see cref="EpgState.Process"/> decides.</summary>
public sealed class EpgActor : SnapshottingActor
{
    public const string EntityTypeName = "epg";

    /// <summary>Programme lists are big: recover from a snapshot after at most this many imports.</summary>
    public const int SnapshotEvery = 10;

    private static readonly string[] Tags = [EpgEvents.Tag];
    private EpgState _state;

    public EpgActor(string entityId)
    {
        _state = EpgState.Empty(new ChannelId(entityId));
        PersistenceId = $"{EntityTypeName}-{entityId}";

        Recover<SnapshotOffer>(offer =>
        {
            if (offer.Snapshot is EpgState snapshot) _state = snapshot;
        });
        Recover<IEpgEvent>(evt => _state = _state.Apply(evt));

        Command<IEpgCommand>(Handle);
        Command<GetSchedule>(q => Sender.Tell(new Schedule(_state.ChannelId, q.From, q.To, _state.Between(q.From, q.To))));
        Command<GetNowNext>(q =>
        {
            var (now, next) = _state.NowNext(q.At);
            Sender.Tell(new NowNext(_state.ChannelId, q.At, now, next));
        });
        Command<GetProgramme>(q => Sender.Tell(_state.Find(q.ProgrammeId) is { } p
            ? new ProgrammeFound(p)
            : new EpgRejected(_state.ChannelId, EpgRejection.NotFound, $"programme '{q.ProgrammeId}' is not in the EPG of '{_state.ChannelId}'")));
        KeepOnlyLatestSnapshot();
    }

    public override string PersistenceId { get; }

    private void Handle(IEpgCommand command)
    {
        var (events, rejection) = _state.Process(command);
        if (rejection is not null)
        {
            Sender.Tell(rejection);
            return;
        }

        var import = (ImportProgrammes)command;
        if (events.Count == 0)
        {
            Sender.Tell(new ImportApplied(_state.ChannelId, default, default, import.Programmes.Count, false, _state.Version));
            return;
        }

        var evt = (ProgrammesImported)events.Single();
        Persist(new Tagged(evt, Tags), _ =>
        {
            _state = _state.Apply(evt);
            if (LastSequenceNr % SnapshotEvery == 0) SaveSnapshot(_state);
            Sender.Tell(new ImportApplied(_state.ChannelId, evt.From, evt.To, evt.Programmes.Count, true, _state.Version) { Event = evt });
        });
    }
}

/// <summary>Routes every <see cref="IWithChannelId"/> EPG message to the <c>epg</c> entity of its channel.</summary>
public sealed class EpgMessageExtractor() : HashCodeMessageExtractor(ShardCount)
{
    public const int ShardCount = 100;

    public override string? EntityId(object message) => message switch
    {
        IWithChannelId m => m.ChannelId.Value,
        _ => null,
    };
}
