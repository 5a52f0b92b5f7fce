using Inspur.Domain.Billing;
using Inspur.Domain.Subscribers;
using static Inspur.Domain.Billing.BillingOutboxProtocol;
using static Inspur.Domain.Subscribers.SubscriberEvents;

namespace Inspur.Domain.Tests;

/// <summary>The billing outbox's pure rules: records from events, dedupe, order per subscriber, answers, backoff, the report.</summary>
public sealed class BillingOutboxStateSpecs
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan First = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Cap = TimeSpan.FromMinutes(5);
    private static readonly ProductDefinition Rental = new(ProductKind.Tvod, "Film", 500, "CNY") { TitleId = "film-1", ValidityHours = 48 };
    private static readonly ProductDefinition Basic = new(ProductKind.Package, "Basic", 3000, "CNY") { Channels = [new("cctv-1")] };

    private static ProductOrdered Ordered(string subscriber, string product, ProductDefinition definition) =>
        new(new SubscriberId(subscriber), new Order(new ProductId(product), definition, Now, definition.ValidityHours is { } h ? Now.AddHours(h) : null, Now), "k", "f", Now);

    private static BillingRecord Record(string subscriber, long seq, ProductDefinition? definition = null) =>
        BillingRecord.Of($"subscriber-{subscriber}", seq, Ordered(subscriber, "p", definition ?? Basic))!;

    private static BillingOutboxState With(params BillingRecord[] records)
    {
        var state = BillingOutboxState.Empty;
        return state.Apply(state.Enqueue(records, records.Length, Now)!);
    }

    [Fact]
    public void A_record_is_derived_from_its_event_with_a_stable_id_and_a_tvod_order_is_a_purchase()
    {
        var evt = Ordered("acct-1", "film-1-rent", Rental);

        var record = BillingRecord.Of("subscriber-acct-1", 7, evt)!;

        Assert.Equal(record, BillingRecord.Of("subscriber-acct-1", 7, evt));
        Assert.Equal("subscriber-acct-1:7", record.Id);
        Assert.Equal((BillingKind.TvodPurchase, 500L, "CNY", "film-1", Now.AddHours(48)), (record.Kind, record.Price, record.Currency, record.TitleId, record.EffectiveUntil));
        Assert.Equal(BillingKind.ProductOrdered, BillingRecord.Of("subscriber-acct-1", 8, Ordered("acct-1", "basic", Basic))!.Kind);
        var cancelled = BillingRecord.Of("subscriber-acct-1", 9, new ProductCancelled(new("acct-1"), new("basic"), Now.AddDays(1), "k", "f", Now))!;
        Assert.Equal((BillingKind.ProductCancelled, Now.AddDays(1)), (cancelled.Kind, cancelled.EffectiveFrom));
        Assert.Null(BillingRecord.Of("subscriber-acct-1", 10, new AccountSuspended(new("acct-1"), "unpaid", "k", "f", Now)));
    }

    [Fact]
    public void A_record_read_again_is_kept_once_and_an_unmoved_offset_with_nothing_new_persists_nothing()
    {
        var a = Record("acct-1", 2);
        var state = With(a);

        Assert.Null(state.Enqueue([a], 1, Now));
        var again = state.Enqueue([a, a, Record("acct-1", 3)], 5, Now)!;
        Assert.Equal(["subscriber-acct-1:3"], again.Records.Select(r => r.Id));
        state = state.Apply(again);
        Assert.Equal((2, 5L), (state.Entries.Count, state.Offset));
        Assert.Empty(state.Enqueue([a], 9, Now)!.Records);
    }

    [Fact]
    public void Records_of_one_subscriber_go_in_order_one_at_a_time_and_others_go_alongside_within_the_slots()
    {
        var state = With(Record("acct-1", 2), Record("acct-1", 3), Record("acct-2", 2), Record("acct-3", 2));

        Assert.Equal(["subscriber-acct-1:2", "subscriber-acct-2:2", "subscriber-acct-3:2"], state.Due(Now, new HashSet<string>(), 10).Select(e => e.Record.Id));
        Assert.Equal(["subscriber-acct-1:2", "subscriber-acct-2:2"], state.Due(Now, new HashSet<string>(), 2).Select(e => e.Record.Id));
        Assert.Equal(["subscriber-acct-2:2", "subscriber-acct-3:2"], state.Due(Now, new HashSet<string> { "subscriber-acct-1:2" }, 10).Select(e => e.Record.Id));

        state = state.Apply(state.Settle("subscriber-acct-1:2", new DeliveryResult(200, null), Now, First, Cap, 0)!);
        Assert.Contains("subscriber-acct-1:3", state.Due(Now, new HashSet<string>(), 10).Select(e => e.Record.Id));
    }

    [Theory]
    [InlineData(200, DeliveryVerdict.Acknowledged)]
    [InlineData(202, DeliveryVerdict.Acknowledged)]
    [InlineData(400, DeliveryVerdict.Rejected)]
    [InlineData(409, DeliveryVerdict.Rejected)]
    [InlineData(408, DeliveryVerdict.Retry)]
    [InlineData(429, DeliveryVerdict.Retry)]
    [InlineData(500, DeliveryVerdict.Retry)]
    [InlineData(503, DeliveryVerdict.Retry)]
    [InlineData(301, DeliveryVerdict.Retry)]
    [InlineData(null, DeliveryVerdict.Retry)]
    public void An_answer_is_an_ack_a_rejection_or_a_retry(int? status, DeliveryVerdict verdict) =>
        Assert.Equal(verdict, BillingDelivery.Classify(new DeliveryResult(status, status is null ? "connection refused" : null)));

    [Fact]
    public void A_failed_attempt_waits_longer_each_time_up_to_the_cap_and_is_not_due_until_then()
    {
        var id = "subscriber-acct-1:2";
        var state = With(Record("acct-1", 2));
        var waits = new List<TimeSpan>();
        for (var i = 0; i < 12; i++)
        {
            var failed = Assert.IsType<DeliveryFailed>(state.Settle(id, new DeliveryResult(503, "busy"), Now, First, Cap, 0.999));
            waits.Add(failed.NextAttemptAt - Now);
            state = state.Apply(failed);
        }

        Assert.Equal(12, state.Entries[id].Attempts);
        Assert.Equal("HTTP 503: busy", state.Entries[id].LastError);
        Assert.True(waits.Zip(waits.Skip(1)).All(p => p.Second >= p.First), string.Join(", ", waits));
        Assert.True(waits[0] < TimeSpan.FromSeconds(1.01) && waits[^1] <= Cap && waits[^1] > Cap * 0.99, string.Join(", ", waits));
        Assert.Empty(state.Due(Now, new HashSet<string>(), 4));
        Assert.Single(state.Due(Now + Cap, new HashSet<string>(), 4));
    }

    [Fact]
    public void Jitter_spreads_a_wait_between_half_and_all_of_it()
    {
        Assert.Equal(TimeSpan.FromSeconds(2), BillingDelivery.Backoff(3, TimeSpan.FromSeconds(1), Cap, 0));
        Assert.Equal(TimeSpan.FromSeconds(4), BillingDelivery.Backoff(3, TimeSpan.FromSeconds(1), Cap, 1));
        Assert.Equal(Cap, BillingDelivery.Backoff(1000, TimeSpan.FromSeconds(1), Cap, 1));
    }

    [Fact]
    public void The_report_lists_pending_and_rejected_records_with_why_and_counts_the_delivered()
    {
        var state = With(Record("acct-1", 2), Record("acct-2", 2), Record("acct-3", 2));
        state = state.Apply(state.Settle("subscriber-acct-1:2", new DeliveryResult(204, null), Now, First, Cap, 0)!);
        state = state.Apply(state.Settle("subscriber-acct-2:2", new DeliveryResult(422, "unknown product p"), Now, First, Cap, 0)!);
        state = state.Apply(state.Settle("subscriber-acct-3:2", new DeliveryResult(null, "connection refused"), Now, First, Cap, 0)!);

        var report = state.Reconcile(Now, null);

        Assert.Equal((1, 1, 1), (report.Pending, report.Rejected, report.Delivered));
        Assert.Equal(["subscriber-acct-2:2", "subscriber-acct-3:2"], report.Unacknowledged.Select(e => e.Record.Id));
        Assert.Equal((DeliveryStatus.Rejected, "HTTP 422: unknown product p"), (report.Unacknowledged[0].Status, report.Unacknowledged[0].LastError));
        Assert.Equal((DeliveryStatus.Pending, 1, "connection refused"), (report.Unacknowledged[1].Status, report.Unacknowledged[1].Attempts, report.Unacknowledged[1].LastError));
        Assert.Equal((0, 0, 0), (state.Reconcile(Now, Now.AddSeconds(1)).Pending, state.Reconcile(Now, Now.AddSeconds(1)).Rejected, state.Reconcile(Now, Now.AddSeconds(1)).Delivered));
        Assert.Null(state.Settle("subscriber-acct-1:2", new DeliveryResult(200, null), Now, First, Cap, 0));
        Assert.Null(state.Settle("no-such", new DeliveryResult(200, null), Now, First, Cap, 0));
    }
}
