using Inspur.Domain.Billing;

namespace Inspur.Actors.Billing;

/// <summary>
/// Where and how the billing outbox delivers (<c>Inspur:Billing</c>): the BOSS's URL (none: nothing is sent and records
/// wait, listed in the reconciliation report), an optional HMAC key to sign with, the per-attempt timeout, the retry backoff
/// and how many records may be in flight at once.
/// </summary>
public sealed record BillingSettings
{
    public Uri? BossUrl { get; init; }

    /// <summary>With <see cref="Secret"/>: each POST carries the BOSS signature headers, as the inbound BOSS API expects them.</summary>
    public string? KeyId { get; init; }

    public string? Secret { get; init; }

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan FirstRetry { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxRetry { get; init; } = TimeSpan.FromMinutes(5);

    public int Concurrency { get; init; } = 4;

    /// <summary>How often the outbox looks for records whose retry is due.</summary>
    public TimeSpan Poll { get; init; } = TimeSpan.FromMilliseconds(500);
}

/// <summary>Sends one billing record to the BOSS and says what it answered; it never throws for an HTTP or network failure.</summary>
public interface IBillingDelivery
{
    Task<DeliveryResult> DeliverAsync(BillingRecord record, CancellationToken ct);
}
