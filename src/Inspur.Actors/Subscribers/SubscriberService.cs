using Akka.Actor;
using Akka.Hosting;
using Inspur.Domain.Channels;
using Inspur.Domain.Subscribers;
using static Inspur.Domain.Subscribers.ProductCatalogProtocol;
using static Inspur.Domain.Subscribers.SubscriberCommands;
using static Inspur.Domain.Subscribers.SubscriberQueries;
using static Inspur.Domain.Subscribers.SubscriberReplies;

namespace Inspur.Actors.Subscribers;

/// <summary>What web code (the BOSS API, playback, admin) uses for accounts and products; nobody outside Inspur.Actors holds an IActorRef.</summary>
public interface ISubscriberService
{
    /// <summary>
    /// Runs a mutating command: a <see cref="SubscriberReceipt"/> (with <c>Replayed</c> when its idempotency key was accepted
    /// before for the same request) or a <see cref="SubscriberRejected"/>. An order gets its product from the catalog here; an
    /// order or cancel naming a product the catalog does not have is refused as <see cref="SubscriberRejection.NotFound"/>.
    /// </summary>
    Task<ISubscriberReply> ExecuteAsync(ISubscriberCommand command, CancellationToken ct = default);

    /// <summary>A <see cref="SubscriberView"/> or a <see cref="SubscriberRejected"/> (NotFound).</summary>
    Task<ISubscriberReply> GetAsync(SubscriberId id, CancellationToken ct = default);

    /// <summary>May the subscriber watch the live channel at <paramref name="at"/>: allowed (via which product, with the stream limit) or the denial.</summary>
    Task<Authorization> AuthorizeAsync(SubscriberId id, ChannelId channel, DateTimeOffset at, CancellationToken ct = default);

    /// <summary>What the account's orders grant at <paramref name="at"/>: an <see cref="Entitlements"/>, or a <see cref="SubscriberRejected"/> (NotFound).</summary>
    Task<ISubscriberReply> GetEntitlementsAsync(SubscriberId id, DateTimeOffset at, CancellationToken ct = default);

    /// <summary>The account's credential hashes, status, devices and limits, for sign-in to verify off the entity's message loop.</summary>
    Task<SignInFacts> GetSignInAsync(SubscriberId id, CancellationToken ct = default);

    /// <summary>
    /// Null when the (already HMAC-verified) token may act for its account now: the account exists and is active, still has the
    /// token's device, and the token was issued (whole seconds) no earlier than the account's last revocation; else why not.
    /// </summary>
    Task<AccessDenial?> CheckAccessAsync(SubscriberClaims claims, CancellationToken ct = default);

    /// <summary>Accounts whose id, name or a device's id, MAC or serial contains <paramref name="query"/> (all when empty), by id, from the directory read model.</summary>
    Task<IReadOnlyList<SubscriberView>> SearchAsync(string? query, int limit = 100, CancellationToken ct = default);

    /// <summary>A <see cref="ProductReceipt"/> or a <see cref="ProductRejected"/>.</summary>
    Task<IProductReply> DefineProductAsync(ProductId id, ProductDefinition definition, string idempotencyKey, CancellationToken ct = default);

    /// <summary>A <see cref="ProductFound"/> or a <see cref="ProductRejected"/> (NotFound).</summary>
    Task<IProductReply> GetProductAsync(ProductId id, CancellationToken ct = default);

    Task<IReadOnlyList<Product>> ListProductsAsync(CancellationToken ct = default);
}

/// <summary><see cref="ISubscriberService"/> over the subscriber shard region, the product catalog singleton and the directory projection.</summary>
public sealed class SubscriberService(
    IRequiredActor<SubscriberActor> subscribers,
    IRequiredActor<ProductCatalogActor> catalog,
    IRequiredActor<SubscriberDirectoryProjection> directory,
    Sessions.ISessionService sessions) : ISubscriberService
{
    public static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(10);

    public async Task<ISubscriberReply> ExecuteAsync(ISubscriberCommand command, CancellationToken ct = default)
    {
        if (command is OrderProduct { Product: null } order)
        {
            if (await GetProductAsync(order.ProductId, ct) is not ProductFound found) return UnknownProduct(order.SubscriberId, order.ProductId);
            command = order with { Product = found.Product.Definition };
        }
        else if (command is CancelProduct cancel && await GetProductAsync(cancel.ProductId, ct) is not ProductFound)
        {
            return UnknownProduct(cancel.SubscriberId, cancel.ProductId);
        }

        var reply = await subscribers.ActorRef.Ask<ISubscriberReply>(command, AskTimeout, ct);
        // A suspended or closed account's playback stops everywhere (so does a BOSS token revocation): every node's gate refuses
        // its tokens issued up to the change. A retry gets the first receipt and revokes as of its time again (in case the first
        // publication was lost), never as of now, which would end playback granted since (after a resume, say).
        if (reply is SubscriberReceipt receipt && command is SuspendAccount or CloseAccount or RevokeTokens { EndPlayback: true })
            sessions.RevokeSubscriber(command.SubscriberId.Value, receipt.At);
        if (reply is SubscriberReceipt { Replayed: false } && await GetAsync(command.SubscriberId, ct) is SubscriberView view)
            directory.ActorRef.Tell(new SubscriberDirectoryProjection.Observed(view));
        return reply;
    }

    public Task<ISubscriberReply> GetAsync(SubscriberId id, CancellationToken ct = default) =>
        subscribers.ActorRef.Ask<ISubscriberReply>(new GetSubscriber(id), AskTimeout, ct);

    public Task<ISubscriberReply> GetEntitlementsAsync(SubscriberId id, DateTimeOffset at, CancellationToken ct = default) =>
        subscribers.ActorRef.Ask<ISubscriberReply>(new GetEntitlements(id, at), AskTimeout, ct);

    public Task<Authorization> AuthorizeAsync(SubscriberId id, ChannelId channel, DateTimeOffset at, CancellationToken ct = default) =>
        subscribers.ActorRef.Ask<Authorization>(new Authorize(id, channel, at), AskTimeout, ct);

    public Task<SignInFacts> GetSignInAsync(SubscriberId id, CancellationToken ct = default) =>
        subscribers.ActorRef.Ask<SignInFacts>(new GetSignIn(id), AskTimeout, ct);

    public async Task<AccessDenial?> CheckAccessAsync(SubscriberClaims claims, CancellationToken ct = default) =>
        (await subscribers.ActorRef.Ask<AccessCheck>(new CheckAccess(claims.SubscriberId, claims.DeviceId, claims.IssuedAt), AskTimeout, ct)).Denial;

    public async Task<IReadOnlyList<SubscriberView>> SearchAsync(string? query, int limit = 100, CancellationToken ct = default) =>
        await directory.ActorRef.Ask<List<SubscriberView>>(new SubscriberDirectoryProjection.SearchSubscribers(query, limit), AskTimeout, ct);

    public Task<IProductReply> DefineProductAsync(ProductId id, ProductDefinition definition, string idempotencyKey, CancellationToken ct = default) =>
        catalog.ActorRef.Ask<IProductReply>(new DefineProduct(id, definition, idempotencyKey), AskTimeout, ct);

    public Task<IProductReply> GetProductAsync(ProductId id, CancellationToken ct = default) =>
        catalog.ActorRef.Ask<IProductReply>(new GetProduct(id), AskTimeout, ct);

    public async Task<IReadOnlyList<Product>> ListProductsAsync(CancellationToken ct = default) =>
        (await catalog.ActorRef.Ask<ProductList>(ListProducts.Instance, AskTimeout, ct)).Products;

    private static SubscriberRejected UnknownProduct(SubscriberId id, ProductId product) =>
        new(id, SubscriberRejection.NotFound, $"product '{product}' does not exist");
}
