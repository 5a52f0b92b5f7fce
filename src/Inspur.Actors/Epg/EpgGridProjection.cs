using Akka.Actor;
using Akka.Event;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using Inspur.Domain.Channels;
using Inspur.Domain.Epg;
using static Inspur.Domain.Epg.EpgEvents;

namespace Inspur.Actors.Epg;

/// <summary>
/// Read model of every channel's EPG (the day grid), projected from events tagged <c>epg</c> through the SQL query journal
/// with the entity's own <see cref="EpgState.Apply"/>; answers only once caught up, then follows new events live.
/// </summary>
public sealed class EpgGridProjection : ReceiveActor, IWithStash
{
    /// <summary>Ask for the programmes of all channels overlapping [From, To).</summary>
    public sealed record GetGrid(DateTimeOffset From, DateTimeOffset To);

    /// <summary>A write the local node just made (the event and the entity version it produced), so a client reads its own writes.</summary>
    public sealed record Observed(ProgrammesImported Event, long Version);

    private sealed record Projected(EventEnvelope Envelope);
    private sealed record CaughtUp
    {
        public static readonly CaughtUp Instance = new();
    }
    private sealed record StreamFailed(Exception Cause);

    private readonly Dictionary<ChannelId, EpgState> _channels = new();
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly IMaterializer _materializer = Context.Materializer();
    private Offset _offset = Offset.NoOffset();

    public EpgGridProjection()
    {
        Receive<Projected>(p => Project(p.Envelope));
        Receive<Observed>(o => Apply(o.Event, o.Version));
        Receive<CaughtUp>(_ =>
        {
            _log.Info("EPG grid caught up with {0} channels", _channels.Count);
            Become(Live);
            Stash.UnstashAll();
            FollowLive();
        });
        Receive<StreamFailed>(f => throw new InvalidOperationException("EPG grid replay failed", f.Cause));
        Receive<GetGrid>(_ => Stash.Stash());
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
        Receive<Observed>(o => Apply(o.Event, o.Version));
        Receive<GetGrid>(q => Sender.Tell(_channels.Values
            .Select(s => new EpgGridRow(s.ChannelId, s.Between(q.From, q.To)))
            .Where(r => r.Programmes.Count > 0)
            .OrderBy(r => r.ChannelId.Value, StringComparer.Ordinal)
            .ToList()));
        Receive<StreamFailed>(f => throw new InvalidOperationException("EPG grid live stream failed", f.Cause));
    }

    private void FollowLive()
    {
        var self = Self;
        var journal = ReadJournal();
        RestartSource
            .OnFailuresWithBackoff(() => journal.EventsByTag(Tag, _offset), RestartSettings.Create(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), 0.2))
            .RunForeach(e => self.Tell(new Projected(e)), _materializer);
    }

    private SqlReadJournal ReadJournal() => PersistenceQuery.Get(Context.System).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);

    private void Project(EventEnvelope envelope)
    {
        _offset = envelope.Offset;
        if (envelope.Event is ProgrammesImported evt) Apply(evt, envelope.SequenceNr);
    }

    /// <summary>Events are partial (a time span), so only the next version applies; an earlier one was already seen, a later one waits for the journal.</summary>
    private void Apply(ProgrammesImported evt, long version)
    {
        var known = _channels.TryGetValue(evt.ChannelId, out var current) ? current : EpgState.Empty(evt.ChannelId);
        if (version != known.Version + 1) return;
        _channels[evt.ChannelId] = known.Apply(evt) with { Version = version };
    }
}

/// <summary>One channel's row of the EPG grid.</summary>
public sealed record EpgGridRow(ChannelId ChannelId, IReadOnlyList<Programme> Programmes);
