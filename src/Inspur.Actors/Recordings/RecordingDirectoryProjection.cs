using Akka.Actor;
using Akka.Event;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using Inspur.Domain.Recordings;
using static Inspur.Domain.Recordings.RecordingEvents;
using static Inspur.Domain.Recordings.RecordingReplies;

namespace Inspur.Actors.Recordings;

/// <summary>
/// Read model of all recordings, projected from events tagged <c>recording</c> through the SQL query journal; it replays
/// everything on start (answering lists only once caught up) and then follows new events live.
/// </summary>
public sealed class RecordingDirectoryProjection : ReceiveActor, IWithStash
{
    /// <summary>Ask for every recording that is not deleted, newest interval first.</summary>
    public sealed record ListRecordings
    {
        public static readonly ListRecordings Instance = new();
    }

    /// <summary>A write the local node just made, applied at once so a client reads its own writes.</summary>
    public sealed record Observed(RecordingView View);

    private sealed record Projected(EventEnvelope Envelope);
    private sealed record CaughtUp
    {
        public static readonly CaughtUp Instance = new();
    }
    private sealed record StreamFailed(Exception Cause);

    private readonly Dictionary<RecordingId, RecordingState> _recordings = new();
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly IMaterializer _materializer = Context.Materializer();
    private Offset _offset = Offset.NoOffset();

    public RecordingDirectoryProjection()
    {
        Receive<Projected>(p => Project(p.Envelope));
        Receive<Observed>(o => Upsert(RecordingState.From(o.View)));
        Receive<CaughtUp>(_ =>
        {
            _log.Info("recording directory caught up with {0} recordings", _recordings.Count);
            Become(Live);
            Stash.UnstashAll();
            FollowLive();
        });
        Receive<StreamFailed>(f => throw new InvalidOperationException("recording directory replay failed", f.Cause));
        Receive<ListRecordings>(_ => Stash.Stash());
    }

    public IStash Stash { get; set; } = null!;

    protected override void PreStart()
    {
        var self = Self;
        ReadJournal()
            .CurrentEventsByTag(Tag, Offset.NoOffset())
            .RunForeach(e => self.Tell(new Projected(e)), _materializer)
            .ContinueWith(t => self.Tell(t.IsCompletedSuccessfully ? CaughtUp.Instance : new StreamFailed(t.Exception!)), TaskScheduler.Default);
    }

    private void Live()
    {
        Receive<Projected>(p => Project(p.Envelope));
        Receive<Observed>(o => Upsert(RecordingState.From(o.View)));
        Receive<ListRecordings>(_ => Sender.Tell(_recordings.Values.Select(r => r.View()).OfType<RecordingView>()
            .OrderByDescending(r => r.Request.From).ThenBy(r => r.RecordingId.Value).ToList()));
        Receive<StreamFailed>(f => throw new InvalidOperationException("recording directory live stream failed", f.Cause));
    }

    private void FollowLive()
    {
        var self = Self;
        var journal = ReadJournal();
        RestartSource
            .OnFailuresWithBackoff(() => journal.EventsByTag(Tag, _offset), RestartSettings.Create(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), 0.2))
            .RunForeach(e => self.Tell(new Projected(e)), _materializer);
    }

    private SqlReadJournal ReadJournal() =>
        PersistenceQuery.Get(Context.System).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);

    /// <summary>Applies the event with the entity's own <see cref="RecordingState.Apply"/>, so the read model cannot drift from it.</summary>
    private void Project(EventEnvelope envelope)
    {
        _offset = envelope.Offset;
        if (envelope.Event is not IRecordingEvent evt) return;
        var known = _recordings.TryGetValue(evt.RecordingId, out var current) ? current : RecordingState.Empty(evt.RecordingId);
        if (!known.Exists && evt is not RecordingScheduled) return;
        Upsert(known.Apply(evt) with { Version = envelope.SequenceNr });
    }

    private void Upsert(RecordingState state)
    {
        if (!_recordings.TryGetValue(state.RecordingId, out var current) || current.Version < state.Version)
            _recordings[state.RecordingId] = state;
    }
}
