using System.Collections.Immutable;

namespace Inspur.Domain.Billing;

/// <summary>Where a record is: waiting to reach the BOSS, acknowledged by it, or refused by it for good.</summary>
public enum DeliveryStatus
{
    Pending,
    Delivered,
    Rejected,
}

/// <summary>What one delivery attempt came to, as <see cref="BillingDelivery.Classify"/> decides from the HTTP answer.</summary>
public enum DeliveryVerdict
{
    /// <summary>A 2xx: the BOSS has it.</summary>
    Acknowledged,

    /// <summary>A 4xx other than 408 or 429: sending it again would get the same answer.</summary>
    Rejected,

    /// <summary>A 5xx, 408, 429, timeout or connection error: try again later.</summary>
    Retry,
}

/// <summary>The BOSS's answer to one POST, or the transport error when there was none.</summary>
public sealed record DeliveryResult(int? Status, string? Error);

/// <summary>One record in the outbox with its delivery progress; <see cref="Position"/> is the order it was enqueued in.</summary>
public sealed record OutboxEntry(BillingRecord Record, long Position, DeliveryStatus Status, int Attempts)
{
    public DateTimeOffset? NextAttemptAt { get; init; }

    public string? LastError { get; init; }

    /// <summary>When the BOSS acknowledged or rejected it.</summary>
    public DateTimeOffset? SettledAt { get; init; }
}

/// <summary>Pure rules of delivery: what an answer means and how long to wait before the next attempt.</summary>
public static class BillingDelivery
{
    public static DeliveryVerdict Classify(DeliveryResult result) => result.Status switch
    {
        >= 200 and < 300 => DeliveryVerdict.Acknowledged,
        408 or 429 => DeliveryVerdict.Retry,
        >= 400 and < 500 => DeliveryVerdict.Rejected,
        _ => DeliveryVerdict.Retry,
    };

    /// <summary>
    /// Exponential backoff with jitter and a cap: <c>min(cap, first·2^(attempts-1))</c> scaled by a factor in [0.5, 1) from
    /// <paramref name="jitter"/> in [0, 1), so nodes retrying after the same outage spread out.
    /// </summary>
    public static TimeSpan Backoff(int attempts, TimeSpan first, TimeSpan cap, double jitter)
    {
        var exponent = Math.Clamp(attempts - 1, 0, 30);
        var delay = Math.Min(cap.TotalMilliseconds, first.TotalMilliseconds * Math.Pow(2, exponent));
        return TimeSpan.FromMilliseconds(delay * (0.5 + 0.5 * Math.Clamp(jitter, 0, 1)));
    }
}

/// <summary>Commands, events and replies of the <c>billing-outbox</c> singleton.</summary>
public static class BillingOutboxProtocol
{
    public const string PersistenceId = "billing-outbox";

    /// <summary>Records read from the subscriber events up to the query-journal <paramref name="Offset"/>, persisted together.</summary>
    public sealed record RecordsEnqueued(IReadOnlyList<BillingRecord> Records, long Offset, DateTimeOffset At) : IInspurMessage;

    public sealed record RecordAcknowledged(string Id, int Status, DateTimeOffset At) : IInspurMessage;

    public sealed record RecordRejected(string Id, string Reason, DateTimeOffset At) : IInspurMessage;

    public sealed record DeliveryFailed(string Id, string Error, DateTimeOffset At, DateTimeOffset NextAttemptAt) : IInspurMessage;

    /// <summary>What the BOSS has not acknowledged, occurred at or after <paramref name="Since"/> (all when null).</summary>
    public sealed record GetReconciliation(DateTimeOffset? Since) : IInspurMessage;

    /// <summary>The reconciliation report: counts by status and every record still pending or rejected, in enqueue order.</summary>
    public sealed record Reconciliation(DateTimeOffset At, DateTimeOffset? Since, int Pending, int Rejected, int Delivered, long Offset,
        IReadOnlyList<OutboxEntry> Unacknowledged) : IInspurMessage;
}

/// <summary>
/// Pure state of the billing outbox: every record by id (so a record read twice is kept once), the query-journal offset its
/// records were read up to, and each record's delivery progress. Settled records beyond <see cref="MaxSettled"/> are
/// dropped oldest first; the offset, not the id set, is what stops those from coming back.
/// </summary>
public sealed record BillingOutboxState(ImmutableDictionary<string, OutboxEntry> Entries, long Offset, long NextPosition) : IInspurMessage
{
    public const int MaxSettled = 10_000;

    public static readonly BillingOutboxState Empty = new(ImmutableDictionary<string, OutboxEntry>.Empty, 0, 1);

    /// <summary>The event that stores the new records and the offset, or null when every record is known and the offset did not move.</summary>
    public BillingOutboxProtocol.RecordsEnqueued? Enqueue(IEnumerable<BillingRecord> records, long offset, DateTimeOffset now)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var fresh = records.Where(r => !Entries.ContainsKey(r.Id) && seen.Add(r.Id)).ToList();
        return fresh.Count == 0 && offset <= Offset ? null : new(fresh, Math.Max(offset, Offset), now);
    }

    /// <summary>
    /// The records to send now, oldest first: per subscriber only its oldest pending one (records reach the BOSS in order per
    /// subscriber), not already in flight, due by <paramref name="now"/>, at most <paramref name="slots"/>.
    /// </summary>
    public IReadOnlyList<OutboxEntry> Due(DateTimeOffset now, ISet<string> inFlight, int slots)
    {
        if (slots <= 0) return [];
        return Entries.Values
            .Where(e => e.Status == DeliveryStatus.Pending)
            .GroupBy(e => e.Record.SubscriberId)
            .Select(g => g.MinBy(e => e.Position)!)
            .Where(e => !inFlight.Contains(e.Record.Id) && (e.NextAttemptAt is null || e.NextAttemptAt <= now))
            .OrderBy(e => e.Position)
            .Take(slots)
            .ToList();
    }

    /// <summary>The event an attempt's result makes; <paramref name="jitter"/> in [0, 1) spreads the next attempt.</summary>
    public IInspurMessage? Settle(string id, DeliveryResult result, DateTimeOffset now, TimeSpan firstRetry, TimeSpan maxRetry, double jitter)
    {
        if (!Entries.TryGetValue(id, out var entry) || entry.Status != DeliveryStatus.Pending) return null;
        return BillingDelivery.Classify(result) switch
        {
            DeliveryVerdict.Acknowledged => new BillingOutboxProtocol.RecordAcknowledged(id, result.Status!.Value, now),
            DeliveryVerdict.Rejected => new BillingOutboxProtocol.RecordRejected(id, Describe(result), now),
            _ => new BillingOutboxProtocol.DeliveryFailed(id, Describe(result), now, now + BillingDelivery.Backoff(entry.Attempts + 1, firstRetry, maxRetry, jitter)),
        };
    }

    public BillingOutboxState Apply(IInspurMessage evt) => evt switch
    {
        BillingOutboxProtocol.RecordsEnqueued e => Add(e),
        BillingOutboxProtocol.RecordAcknowledged a => Update(a.Id, x => x with
        {
            Status = DeliveryStatus.Delivered,
            Attempts = x.Attempts + 1,
            SettledAt = a.At,
            NextAttemptAt = null,
        }).Prune(),
        BillingOutboxProtocol.RecordRejected r => Update(r.Id, x => x with
        {
            Status = DeliveryStatus.Rejected,
            Attempts = x.Attempts + 1,
            SettledAt = r.At,
            LastError = r.Reason,
            NextAttemptAt = null,
        }),
        BillingOutboxProtocol.DeliveryFailed f => Update(f.Id, x => x with { Attempts = x.Attempts + 1, LastError = f.Error, NextAttemptAt = f.NextAttemptAt }),
        _ => this,
    };

    public BillingOutboxProtocol.Reconciliation Reconcile(DateTimeOffset now, DateTimeOffset? since)
    {
        var window = Entries.Values.Where(e => since is null || e.Record.OccurredAt >= since).ToList();
        return new(now, since, window.Count(e => e.Status == DeliveryStatus.Pending), window.Count(e => e.Status == DeliveryStatus.Rejected),
            window.Count(e => e.Status == DeliveryStatus.Delivered), Offset,
            window.Where(e => e.Status != DeliveryStatus.Delivered).OrderBy(e => e.Position).ToList());
    }

    private BillingOutboxState Add(BillingOutboxProtocol.RecordsEnqueued e)
    {
        var entries = Entries.ToBuilder();
        var next = NextPosition;
        foreach (var record in e.Records)
        {
            if (!entries.ContainsKey(record.Id)) entries[record.Id] = new OutboxEntry(record, next++, DeliveryStatus.Pending, 0);
        }

        return new(entries.ToImmutable(), Math.Max(Offset, e.Offset), next);
    }

    private BillingOutboxState Update(string id, Func<OutboxEntry, OutboxEntry> change) =>
        Entries.TryGetValue(id, out var entry) ? this with { Entries = Entries.SetItem(id, change(entry)) } : this;

    /// <summary>Drops the oldest delivered records once there are a tenth more than <see cref="MaxSettled"/>, so pruning is rare.</summary>
    private BillingOutboxState Prune()
    {
        var delivered = Entries.Values.Count(e => e.Status == DeliveryStatus.Delivered);
        if (delivered <= MaxSettled + MaxSettled / 10) return this;
        var drop = Entries.Values.Where(e => e.Status == DeliveryStatus.Delivered).OrderBy(e => e.Position).Take(delivered - MaxSettled).Select(e => e.Record.Id);
        return this with { Entries = Entries.RemoveRange(drop) };
    }

    private static string Describe(DeliveryResult result) =>
        result.Error is { } error ? (result.Status is { } s ? $"HTTP {s}: {Cut(error)}" : Cut(error)) : $"HTTP {result.Status}";

    private static string Cut(string text) => text.Length <= 500 ? text : text[..500] + "…";
}
