namespace Inspur.Domain.Subscribers;

/// <summary>One thing an account may watch at an instant, the order granting it, and until when (null: open-ended).</summary>
public sealed record Grant(string Item, ProductId Via, DateTimeOffset From, DateTimeOffset? Until);

/// <summary>What an account's orders grant at an instant: live channels (packages), VOD packs (SVOD) and rented titles (TVOD).</summary>
public sealed record Entitlements(SubscriberId SubscriberId, DateTimeOffset At, SubscriberStatus Status, IReadOnlyList<Grant> Channels, IReadOnlyList<Grant> VodPacks,
    IReadOnlyList<Grant> Titles) : SubscriberReplies.ISubscriberReply;

public sealed partial record SubscriberState
{
    /// <summary>
    /// Every channel, VOD pack and title an order in force at <paramref name="at"/> grants; where several orders grant the same item, the
    /// one lasting longest (open-ended first) is named. Status is reported, not applied: a suspended account keeps its entitlements.
    /// </summary>
    public Entitlements EntitlementsAt(DateTimeOffset at)
    {
        var active = Orders.Where(o => o.ActiveAt(at)).ToList();
        return new Entitlements(SubscriberId, at, Status,
            Longest(active.Where(o => o.Product.Kind == ProductKind.Package).SelectMany(o => o.Product.Channels.Select(c => (c.Value, o)))),
            Longest(active.Where(o => o.Product.Kind == ProductKind.Svod).SelectMany(o => o.Product.VodPacks.Select(p => (p, o)))),
            Longest(active.Where(o => o.Product is { Kind: ProductKind.Tvod, TitleId: not null }).Select(o => (o.Product.TitleId!, o))));
    }

    /// <summary>One grant per item, from the order lasting longest, sorted by item.</summary>
    private static IReadOnlyList<Grant> Longest(IEnumerable<(string Item, Order Order)> grants) =>
        grants.GroupBy(g => g.Item, StringComparer.Ordinal)
            .Select(g => g.OrderByDescending(x => x.Order.Until ?? DateTimeOffset.MaxValue).ThenBy(x => x.Order.From).First())
            .OrderBy(g => g.Item, StringComparer.Ordinal)
            .Select(g => new Grant(g.Item, g.Order.ProductId, g.Order.From, g.Order.Until))
            .ToList();
}
