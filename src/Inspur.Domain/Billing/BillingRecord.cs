using Inspur.Domain.Subscribers;
using static Inspur.Domain.Subscribers.SubscriberEvents;

namespace Inspur.Domain.Billing;

/// <summary>What a billing record tells the BOSS; a TVOD order is a purchase of its own kind.</summary>
public enum BillingKind
{
    ProductOrdered,
    ProductCancelled,
    TvodPurchase,
}

/// <summary>
/// One outbound billing record for the operator's BOSS, derived from one subscriber event. Its <see cref="Id"/> is the event's
/// persistence id and sequence number, so reading the event again always yields the same record, and it is the
/// <c>Idempotency-Key</c> the BOSS dedupes by. Price is in minor units of <see cref="Currency"/>, as the product was ordered;
/// a cancellation names the product and when it ends (the BOSS holds the order it ends).
/// </summary>
public sealed record BillingRecord(string Id, BillingKind Kind, SubscriberId SubscriberId, ProductId ProductId, DateTimeOffset OccurredAt)
{
    public ProductKind? ProductKind { get; init; }

    public string? ProductName { get; init; }

    public long? Price { get; init; }

    public string? Currency { get; init; }

    public string? TitleId { get; init; }

    /// <summary>When the order starts (ordered) or ends (cancelled).</summary>
    public DateTimeOffset? EffectiveFrom { get; init; }

    /// <summary>When the order ends, for an order; null when open-ended.</summary>
    public DateTimeOffset? EffectiveUntil { get; init; }

    public static string IdOf(string persistenceId, long sequenceNr) => $"{persistenceId}:{sequenceNr}";

    /// <summary>The record an event makes, or null for an event the BOSS is not billed for.</summary>
    public static BillingRecord? Of(string persistenceId, long sequenceNr, object evt) => evt switch
    {
        ProductOrdered o => new BillingRecord(IdOf(persistenceId, sequenceNr), o.Order.Product.Kind == Subscribers.ProductKind.Tvod ? BillingKind.TvodPurchase : BillingKind.ProductOrdered,
            o.SubscriberId, o.Order.ProductId, o.At)
        {
            ProductKind = o.Order.Product.Kind,
            ProductName = o.Order.Product.Name,
            Price = o.Order.Product.Price,
            Currency = o.Order.Product.Currency,
            TitleId = o.Order.Product.TitleId,
            EffectiveFrom = o.Order.From,
            EffectiveUntil = o.Order.Until,
        },
        ProductCancelled c => new BillingRecord(IdOf(persistenceId, sequenceNr), BillingKind.ProductCancelled, c.SubscriberId, c.ProductId, c.At) { EffectiveFrom = c.EffectiveAt },
        _ => null,
    };
}
