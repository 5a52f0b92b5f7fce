using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using Inspur.Actors.Projections;
using Inspur.Domain;
using Inspur.Domain.Billing;
using Inspur.Domain.Subscribers;
using static Inspur.Domain.Billing.BillingOutboxProtocol;

namespace Inspur.Actors.Billing;

/// <summary>
/// The <c>billing-outbox</c> singleton on <c>backoffice</c>: reads subscriber events tagged <c>subscriber</c> from the
/// query-journal offset it persisted, turns each order and cancellation into a <see cref="BillingRecord"/> (id = event's
/// persistence id and sequence number) and persists the records together with the new offset, so a crash re-reads from the
/// stored offset and a record read again is kept once. It POSTs pending records to the BOSS, oldest first and one at a time
/// per subscriber, at most <see cref="BillingSettings.Concurrency"/> at once, and persists each answer: acknowledged,
/// rejected for good, or retried after an exponential backoff with jitter. A record in flight when the node dies is sent
/// again with the same <c>Idempotency-Key</c>, which the BOSS dedupes by.
/// </summary>
public sealed class BillingOutboxActor : SnapshottingActor, IWithTimers
{
    public const string SingletonName = "billing-outbox";
    public const int SnapshotEvery = 100;
    public const int BatchSize = 100;

    private sealed record Batch(IReadOnlyList<EventEnvelope> Envelopes);

    private sealed record Ack
    {
        public static readonly Ack Instance = new();
    }

    private sealed record Tick
    {
        public static readonly Tick Instance = new();
    }

    private sealed record Attempted(string Id, DeliveryResult Result);

    private readonly BillingSettings _settings;
    private readonly IBillingDelivery _delivery;
    private readonly HashSet<string> _inFlight = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly IMaterializer _materializer = Context.Materializer();
    private BillingOutboxState _state = BillingOutboxState.Empty;

    // Read by the feed's restart factory off the actor's thread.
    private long _offset;

    public BillingOutboxActor(BillingSettings settings, IBillingDelivery delivery)
    {
        _settings = settings;
        _delivery = delivery;

        Recover<SnapshotOffer>(offer =>
        {
            if (offer.Snapshot is BillingOutboxState snapshot) _state = snapshot;
        });
        Recover<IInspurMessage>(evt => _state = _state.Apply(evt));

        Command<Batch>(Enqueue);
        Command<Tick>(_ => Deliver());
        Command<Attempted>(Settle);
        Command<GetReconciliation>(q => Sender.Tell(_state.Reconcile(DateTimeOffset.UtcNow, q.Since)));
        KeepOnlyLatestSnapshot();
    }

    public override string PersistenceId => BillingOutboxProtocol.PersistenceId;

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void OnReplaySuccess()
    {
        Interlocked.Exchange(ref _offset, _state.Offset);
        Log.Info("billing outbox recovered: {0} records, offset {1}; {2}", _state.Entries.Count, _state.Offset,
            _settings.BossUrl is null ? "no Inspur:Billing:BossUrl, so nothing is sent" : $"delivering to {_settings.BossUrl}");
        Follow();
        Timers.StartPeriodicTimer("tick", Tick.Instance, _settings.Poll);
    }

    protected override void PostStop()
    {
        _stopping.Cancel();
        _stopping.Dispose();
        base.PostStop();
    }

    /// <summary>The subscriber events after the stored offset, live, in batches the actor acknowledges once persisted; restarted with backoff on failure.</summary>
    private void Follow()
    {
        var self = Self;
        var journal = PersistenceQuery.Get(Context.System).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);
        RestartSource
            .OnFailuresWithBackoff(() => journal.EventsByTag(SubscriberEvents.Tag, Offset.Sequence(Interlocked.Read(ref _offset)))
                    .GroupedWithin(BatchSize, TimeSpan.FromMilliseconds(200))
                    .SelectAsync(1, batch => self.Ask<Ack>(new Batch(batch.ToList()), TimeSpan.FromSeconds(30))),
                RestartSettings.Create(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), 0.2))
            .RunWith(Sink.Ignore<Ack>(), _materializer);
    }

    private void Enqueue(Batch batch)
    {
        // A restarted feed may hand over events already stored: the offset filters them, the record ids catch the rest.
        var fresh = batch.Envelopes.Where(e => e.Offset is Sequence s && s.Value > _state.Offset).ToList();
        var offset = fresh.Select(e => ((Sequence)e.Offset).Value).DefaultIfEmpty(_state.Offset).Max();
        var records = fresh.Select(e => BillingRecord.Of(e.PersistenceId, e.SequenceNr, e.Event)).OfType<BillingRecord>();
        var sender = Sender;
        if (_state.Enqueue(records, offset, DateTimeOffset.UtcNow) is not { } evt)
        {
            sender.Tell(Ack.Instance);
            return;
        }

        Persist(evt, e =>
        {
            Apply(e);
            sender.Tell(Ack.Instance);
            Deliver();
        });
    }

    private void Deliver()
    {
        if (_settings.BossUrl is null) return;
        foreach (var entry in _state.Due(DateTimeOffset.UtcNow, _inFlight, _settings.Concurrency - _inFlight.Count))
        {
            var id = entry.Record.Id;
            _inFlight.Add(id);
            _delivery.DeliverAsync(entry.Record, _stopping.Token)
                .PipeTo(Self, success: r => new Attempted(id, r), failure: ex => new Attempted(id, new DeliveryResult(null, ex.GetBaseException().Message)));
        }
    }

    private void Settle(Attempted attempted)
    {
        var evt = _state.Settle(attempted.Id, attempted.Result, DateTimeOffset.UtcNow, _settings.FirstRetry, _settings.MaxRetry, Random.Shared.NextDouble());
        if (evt is null)
        {
            _inFlight.Remove(attempted.Id);
            return;
        }

        Persist(evt, e =>
        {
            Apply(e);
            _inFlight.Remove(attempted.Id);
            switch (e)
            {
                case RecordRejected r:
                    Log.Warning("billing record {0} rejected by the BOSS: {1}", r.Id, r.Reason);
                    break;
                case DeliveryFailed f:
                    Log.Info("billing record {0} not delivered ({1}); next attempt at {2:O}", f.Id, f.Error, f.NextAttemptAt);
                    break;
            }

            Deliver();
        });
    }

    private void Apply(IInspurMessage evt)
    {
        _state = _state.Apply(evt);
        Interlocked.Exchange(ref _offset, _state.Offset);
        if (LastSequenceNr % SnapshotEvery == 0) SaveSnapshot(_state);
    }
}
