using System.Globalization;
using System.Text.RegularExpressions;
using Inspur.Domain.Channels;

namespace Inspur.Domain.Subscribers;

/// <summary>What a product grants.</summary>
public enum ProductKind
{
    /// <summary>A set of live channels (and their time shift and catch-up).</summary>
    Package,

    /// <summary>A set of VOD packs, watched as often as wanted while ordered.</summary>
    Svod,

    /// <summary>One title, rented for a validity period.</summary>
    Tvod,
}

/// <summary>A product as the BOSS defines it: what it grants and what it costs (price in minor units, ISO 4217 currency).</summary>
public sealed partial record ProductDefinition(ProductKind Kind, string Name, long Price, string Currency)
{
    public const int MaxNameLength = 200;
    public const int MaxItems = 1000;
    public const int MaxValidityHours = 24 * 366;

    /// <summary>The channels of a <see cref="ProductKind.Package"/>.</summary>
    public IReadOnlyList<ChannelId> Channels { get; init; } = [];

    /// <summary>The VOD pack ids of an <see cref="ProductKind.Svod"/>; may be empty until VOD exists.</summary>
    public IReadOnlyList<string> VodPacks { get; init; } = [];

    /// <summary>The title of a <see cref="ProductKind.Tvod"/>.</summary>
    public string? TitleId { get; init; }

    /// <summary>How long a <see cref="ProductKind.Tvod"/> rental lasts from its start.</summary>
    public int? ValidityHours { get; init; }

    /// <summary>Null when acceptable, else the first problem, naming the field as the REST API does.</summary>
    public static ConfigProblem? Validate(ProductDefinition? d)
    {
        if (d is null) return new("body", "a product is required");
        if (string.IsNullOrWhiteSpace(d.Name) || d.Name.Length > MaxNameLength || d.Name.Any(char.IsControl))
            return new("name", $"name must be 1-{MaxNameLength} characters without control characters");
        if (d.Price < 0) return new("price", "price must be zero or more minor units (cents, fen)");
        if (d.Currency is null || !CurrencyPattern().IsMatch(d.Currency)) return new("currency", "currency must be an ISO 4217 code such as CNY");
        if (d.Channels.Count > MaxItems || d.VodPacks.Count > MaxItems) return new("channels", $"at most {MaxItems} items");
        switch (d.Kind)
        {
            case ProductKind.Package:
                if (d.Channels.Count == 0) return new("channels", "a package needs at least one channel");
                if (d.Channels.Any(c => c is null || !ChannelId.IsValid(c.Value))) return new("channels", "every channel must be a channel id");
                if (d.Channels.Distinct().Count() != d.Channels.Count) return new("channels", "a channel is listed twice");
                if (d.VodPacks.Count > 0 || d.TitleId is not null || d.ValidityHours is not null)
                    return new("kind", "a package has channels only (no vodPacks, titleId or validityHours)");
                return null;
            case ProductKind.Svod:
                if (d.VodPacks.Any(p => !ChannelId.IsValid(p))) return new("vodPacks", "every VOD pack must be an id of lower-case letters, digits and dashes");
                if (d.VodPacks.Distinct().Count() != d.VodPacks.Count) return new("vodPacks", "a VOD pack is listed twice");
                if (d.Channels.Count > 0 || d.TitleId is not null || d.ValidityHours is not null)
                    return new("kind", "an svod product has vodPacks only (no channels, titleId or validityHours)");
                return null;
            case ProductKind.Tvod:
                if (!ChannelId.IsValid(d.TitleId)) return new("titleId", "a tvod product needs a titleId of lower-case letters, digits and dashes");
                if (d.ValidityHours is not (>= 1 and <= MaxValidityHours)) return new("validityHours", $"a tvod product needs validityHours 1-{MaxValidityHours}");
                if (d.Channels.Count > 0 || d.VodPacks.Count > 0) return new("kind", "a tvod product has a titleId only (no channels or vodPacks)");
                return null;
            default:
                return new("kind", "kind must be package, svod or tvod");
        }
    }

    /// <summary>The fields in a fixed order, for an idempotency fingerprint.</summary>
    public string Canonical() => string.Join('|', Kind, Name, Price.ToString(CultureInfo.InvariantCulture), Currency,
        string.Join(',', Channels.Select(c => c.Value)), string.Join(',', VodPacks), TitleId, ValidityHours?.ToString(CultureInfo.InvariantCulture));

    [GeneratedRegex("^[A-Z]{3}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex CurrencyPattern();
}

/// <summary>A product in the catalog: its definition, the catalog version that last defined it, and when.</summary>
public sealed record Product(ProductId ProductId, ProductDefinition Definition, long Version, DateTimeOffset DefinedAt);

/// <summary>Commands, events and replies of the one <c>product-catalog</c> entity that keeps the BOSS's products.</summary>
public static class ProductCatalogProtocol
{
    public const string PersistenceId = "product-catalog";

    /// <summary>Creates or redefines a product; orders already placed keep the definition they were placed with.</summary>
    public sealed record DefineProduct(ProductId ProductId, ProductDefinition Definition, string IdempotencyKey) : IInspurMessage;

    public sealed record GetProduct(ProductId ProductId) : IInspurMessage;

    public sealed record ListProducts : IInspurMessage
    {
        public static readonly ListProducts Instance = new();
    }

    public sealed record ProductDefined(ProductId ProductId, ProductDefinition Definition, string IdempotencyKey, string Fingerprint, DateTimeOffset At)
        : IInspurMessage;

    public interface IProductReply : IInspurMessage;

    /// <summary>What an accepted definition produced; a retry with the same key answers the same receipt.</summary>
    public sealed record ProductReceipt(ProductId ProductId, long Version, DateTimeOffset At, bool Replayed) : IProductReply;

    public sealed record ProductFound(Product Product) : IProductReply;

    public sealed record ProductList(IReadOnlyList<Product> Products) : IProductReply;

    public sealed record ProductRejected(ProductId ProductId, SubscriberRejection Reason, string Message) : IProductReply;
}

/// <summary>Pure state of the <c>product-catalog</c> entity: the products by id and the idempotency keys it accepted.</summary>
public sealed record ProductCatalogState(IReadOnlyList<Product> Products, IdempotencyLog Log, long Version) : IInspurMessage
{
    public const int MaxProducts = 10_000;

    public static readonly ProductCatalogState Empty = new([], IdempotencyLog.Empty, 0);

    public Product? Find(ProductId id) => Products.FirstOrDefault(p => p.ProductId == id);

    /// <summary>The event to persist, or the reply (a replayed receipt or a refusal) when there is nothing to persist.</summary>
    public (ProductCatalogProtocol.ProductDefined? Event, ProductCatalogProtocol.IProductReply? Reply) Process(ProductCatalogProtocol.DefineProduct command, DateTimeOffset now)
    {
        if (!ProductId.IsValid(command.ProductId?.Value)) return (null, Reject(command, SubscriberRejection.Invalid, "not a product id"));
        if (!IdempotencyLog.IsValidKey(command.IdempotencyKey))
            return (null, Reject(command, SubscriberRejection.Invalid, "the idempotency key must be 1-100 visible ASCII characters"));
        var fingerprint = IdempotencyLog.Fingerprint("define-product", command.ProductId!.Value, command.Definition?.Canonical());
        if (Log.Find(command.IdempotencyKey) is { } seen)
            return (null, seen.Fingerprint == fingerprint
                ? new ProductCatalogProtocol.ProductReceipt(command.ProductId, seen.Version, seen.At, true)
                : Reject(command, SubscriberRejection.IdempotencyMismatch, $"idempotency key '{command.IdempotencyKey}' was used for a different request"));
        if (ProductDefinition.Validate(command.Definition) is { } problem)
            return (null, Reject(command, SubscriberRejection.Invalid, $"{problem.Field}: {problem.Message}"));
        if (Find(command.ProductId) is null && Products.Count >= MaxProducts)
            return (null, Reject(command, SubscriberRejection.Conflict, $"the catalog holds at most {MaxProducts} products"));
        return (new ProductCatalogProtocol.ProductDefined(command.ProductId, command.Definition!, command.IdempotencyKey, fingerprint, now), null);
    }

    public ProductCatalogState Apply(ProductCatalogProtocol.ProductDefined evt)
    {
        var version = Version + 1;
        var product = new Product(evt.ProductId, evt.Definition, version, evt.At);
        var products = Find(evt.ProductId) is { } old ? Products.Select(p => p == old ? product : p).ToList() : [.. Products, product];
        return new(products, Log.Add(new ProcessedRequest(evt.IdempotencyKey, evt.Fingerprint, version, evt.At)), version);
    }

    /// <summary>The receipt of an accepted key (after its event was applied).</summary>
    public ProductCatalogProtocol.ProductReceipt ReceiptFor(ProductId id, string key) =>
        Log.Find(key) is { } seen ? new(id, seen.Version, seen.At, false) : throw new InvalidOperationException($"key '{key}' was not applied");

    private static ProductCatalogProtocol.ProductRejected Reject(ProductCatalogProtocol.DefineProduct c, SubscriberRejection reason, string message) =>
        new(c.ProductId ?? new ProductId(""), reason, message);
}
