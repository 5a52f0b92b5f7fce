using Akka.Actor;
using Akka.Event;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;

namespace Inspur.Actors.Projections;

/// <summary>
/// A read model fed by the events of one tag through the SQL query journal: it replays everything on start, answers
/// queries only once caught up (stashing them until then), and then follows new events live from the offset it reached,
/// restarting with backoff if the database goes away. Subclasses say how an event changes the model and what it answers.
/// </summary>
public abstract class TaggedProjection : ReceiveActor, IWithStash
{
    private sealed record Projected(EventEnvelope Envelope);

    private sealed record CaughtUp
    {
        public static readonly CaughtUp Instance = new();
    }

    private sealed record StreamFailed(Exception Cause);

    private readonly string _tag;
    private readonly string _name;

    // Bound to this actor: its streams stop when it stops or restarts, so a restart never leaves a second feed behind.
    private readonly IMaterializer _materializer = Context.Materializer();
    private Offset _offset = Offset.NoOffset();

    protected TaggedProjection(string tag, string name)
    {
        _tag = tag;
        _name = name;
        Receive<Projected>(p => OnEnvelope(p.Envelope));
        Always();
        Receive<CaughtUp>(_ =>
        {
            // Every replayed event was told to us before this message, so _offset is already the last one replayed.
            Log.Info("{0} caught up: {1}", _name, Summary);
            Become(Live);
            Stash.UnstashAll();
            FollowLive();
        });
        Receive<StreamFailed>(f => throw new InvalidOperationException($"{_name} replay failed", f.Cause));
        ReceiveAny(_ => Stash.Stash());
    }

    public IStash Stash { get; set; } = null!;

    protected ILoggingAdapter Log { get; } = Context.GetLogger();

    /// <summary>What the model holds, for the caught-up log line.</summary>
    protected abstract string Summary { get; }

    /// <summary>Applies one event to the model.</summary>
    protected abstract void Project(EventEnvelope envelope);

    /// <summary>Handlers that apply while replaying and live (e.g. a write the local node just made).</summary>
    protected abstract void Always();

    /// <summary>The queries, answered only once caught up.</summary>
    protected abstract void Queries();

    protected override void PreStart()
    {
        var self = Self;
        ReadJournal()
            .CurrentEventsByTag(_tag, Offset.NoOffset())
            .RunForeach(e => self.Tell(new Projected(e)), _materializer)
            .ContinueWith(t => self.Tell(t.IsCompletedSuccessfully ? CaughtUp.Instance : new StreamFailed(t.Exception!)), TaskScheduler.Default);
    }

    private void Live()
    {
        Receive<Projected>(p => OnEnvelope(p.Envelope));
        Always();
        Queries();
        Receive<StreamFailed>(f => throw new InvalidOperationException($"{_name} live stream failed", f.Cause));
    }

    private void OnEnvelope(EventEnvelope envelope)
    {
        _offset = envelope.Offset;
        Project(envelope);
    }

    private void FollowLive()
    {
        var self = Self;
        var journal = ReadJournal();
        RestartSource
            .OnFailuresWithBackoff(() => journal.EventsByTag(_tag, _offset), RestartSettings.Create(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), 0.2))
            .RunForeach(e => self.Tell(new Projected(e)), _materializer);
    }

    private SqlReadJournal ReadJournal() => PersistenceQuery.Get(Context.System).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);
}
