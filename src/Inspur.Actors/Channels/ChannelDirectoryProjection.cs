using Akka.Actor;
using Akka.Event;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using Inspur.Domain.Channels;
using static Inspur.Domain.Channels.ChannelEvents;
using static Inspur.Domain.Channels.ChannelReplies;

namespace Inspur.Actors.Channels;

/// <summary>
/// Read model of all channels, projected from events tagged <c>channel</c> through the SQL query journal.
/// It replays everything on start (answering list queries only once caught up) and then follows new events live.
/// </summary>
public sealed class ChannelDirectoryProjection : ReceiveActor, IWithStash
{
    /// <summary>Ask for every channel, ordered by number.</summary>
    public sealed record ListChannels
    {
        public static readonly ListChannels Instance = new();
    }

    /// <summary>A write the local node just made, applied at once so a client reads its own writes.</summary>
    public sealed record Observed(ChannelView View);

    private sealed record Projected(EventEnvelope Envelope);
    private sealed record CaughtUp
    {
        public static readonly CaughtUp Instance = new();
    }
    private sealed record StreamFailed(Exception Cause);

    private readonly Dictionary<ChannelId, ChannelState> _channels = new();
    private readonly ILoggingAdapter _log = Context.GetLogger();
    // Bound to this actor: its streams stop when it stops or restarts, so a restart never leaves a second feed behind.
    private readonly IMaterializer _materializer = Context.Materializer();
    private Offset _offset = Offset.NoOffset();

    public ChannelDirectoryProjection()
    {
        Receive<Projected>(p => Project(p.Envelope));
        Receive<Observed>(o => Upsert(ChannelState.From(o.View)));
        Receive<CaughtUp>(_ =>
        {
            // Every replayed event was told to us before this message, so _offset is already the last one replayed.
            _log.Info("channel directory caught up with {0} channels", _channels.Count);
            Become(Live);
            Stash.UnstashAll();
            FollowLive();
        });
        Receive<StreamFailed>(f => throw new InvalidOperationException("channel directory replay failed", f.Cause));
        Receive<ListChannels>(_ => Stash.Stash());
    }

    public IStash Stash { get; set; } = null!;

    protected override void PreStart()
    {
        var self = Self;
        ReadJournal()
            .CurrentEventsByTag(Tag, Offset.NoOffset())
            .RunForeach(e => self.Tell(new Projected(e)), _materializer)
            .ContinueWith(t => self.Tell(t.IsCompletedSuccessfully ? CaughtUp.Instance : new StreamFailed(t.Exception!)),
                TaskScheduler.Default);
    }

    private void Live()
    {
        Receive<Projected>(p => Project(p.Envelope));
        Receive<Observed>(o => Upsert(ChannelState.From(o.View)));
        Receive<ListChannels>(_ => Sender.Tell(_channels.Values.Select(c => c.View()!).OrderBy(c => c.Config.Number).ThenBy(c => c.ChannelId.Value).ToList()));
        Receive<StreamFailed>(f => throw new InvalidOperationException("channel directory live stream failed", f.Cause));
    }

    /// <summary>Follows new events from the offset reached, restarting with backoff if the database goes away.</summary>
    private void FollowLive()
    {
        var self = Self;
        var journal = ReadJournal();
        RestartSource
            .OnFailuresWithBackoff(() => journal.EventsByTag(Tag, _offset),
                RestartSettings.Create(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), 0.2))
            .RunForeach(e => self.Tell(new Projected(e)), _materializer);
    }

    private SqlReadJournal ReadJournal() =>
        PersistenceQuery.Get(Context.System).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);

    /// <summary>Applies the event with the entity's own <see cref="ChannelState.Apply"/>, so the read model cannot drift from it.</summary>
    private void Project(EventEnvelope envelope)
    {
        _offset = envelope.Offset;
        if (envelope.Event is not IChannelEvent evt) return;
        var known = _channels.TryGetValue(evt.ChannelId, out var current) ? current : ChannelState.Empty(evt.ChannelId);
        if (!known.Exists && evt is not ChannelCreated) return;
        // The event's sequence number is the version it produced (every event bumps the version by one).
        Upsert(known.Apply(evt) with { Version = envelope.SequenceNr });
    }

    /// <summary>Keeps the newest version; events and local observations may arrive in either order.</summary>
    private void Upsert(ChannelState state)
    {
        if (!_channels.TryGetValue(state.ChannelId, out var current) || current.Version < state.Version)
            _channels[state.ChannelId] = state;
    }
}
