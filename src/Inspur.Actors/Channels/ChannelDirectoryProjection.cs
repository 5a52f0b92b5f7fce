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

    private readonly Dictionary<ChannelId, ChannelView> _channels = new();
    private readonly ILoggingAdapter _log = Context.GetLogger();
    // Bound to this actor: its streams stop when it stops or restarts, so a restart never leaves a second feed behind.
    private readonly IMaterializer _materializer = Context.Materializer();
    private Offset _offset = Offset.NoOffset();

    public ChannelDirectoryProjection()
    {
        Receive<Projected>(p => Project(p.Envelope));
        Receive<Observed>(o => Upsert(o.View));
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
        Receive<Observed>(o => Upsert(o.View));
        Receive<ListChannels>(_ => Sender.Tell(_channels.Values.OrderBy(c => c.Config.Number).ThenBy(c => c.ChannelId.Value).ToList()));
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

    private void Project(EventEnvelope envelope)
    {
        _offset = envelope.Offset;
        switch (envelope.Event)
        {
            case ChannelCreated c:
                Upsert(new ChannelView(c.ChannelId, c.Config, envelope.SequenceNr, c.At, c.At));
                break;
            case ChannelUpdated u when _channels.TryGetValue(u.ChannelId, out var known):
                Upsert(known with { Config = u.Config, Version = envelope.SequenceNr, UpdatedAt = u.At });
                break;
            case ChannelStarted started when _channels.TryGetValue(started.ChannelId, out var known):
                Upsert(known with { Running = true, Version = envelope.SequenceNr, UpdatedAt = started.At });
                break;
            case ChannelStopped stopped when _channels.TryGetValue(stopped.ChannelId, out var known):
                Upsert(known with { Running = false, Alarms = null, Version = envelope.SequenceNr, UpdatedAt = stopped.At });
                break;
            case AlarmRaised raised when _channels.TryGetValue(raised.ChannelId, out var known):
                Upsert(known with { Alarms = [.. known.Alarms ?? [], new ChannelAlarm(raised.Kind, raised.Detail, raised.At)], Version = envelope.SequenceNr });
                break;
            case AlarmCleared cleared when _channels.TryGetValue(cleared.ChannelId, out var known):
                var left = (known.Alarms ?? []).Where(a => a.Kind != cleared.Kind).ToList();
                Upsert(known with { Alarms = left.Count > 0 ? left : null, Version = envelope.SequenceNr });
                break;
        }
    }

    /// <summary>Keeps the newest version; events and local observations may arrive in either order.</summary>
    private void Upsert(ChannelView view)
    {
        if (!_channels.TryGetValue(view.ChannelId, out var current) || current.Version < view.Version)
            _channels[view.ChannelId] = view;
    }
}
