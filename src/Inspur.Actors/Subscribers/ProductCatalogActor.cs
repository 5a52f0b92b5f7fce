using Akka.Actor;
using Inspur.Actors.Projections;
using Inspur.Domain.Subscribers;
using static Inspur.Domain.Subscribers.ProductCatalogProtocol;

namespace Inspur.Actors.Subscribers;

/// <summary>
/// The one <c>product-catalog</c> entity (a cluster singleton on <c>backoffice</c>): persists the BOSS's product definitions
/// with their idempotency keys and answers lookups; the subscriber service reads a product from it when an order is placed.
/// </summary>
public sealed class ProductCatalogActor : SnapshottingActor
{
    public const string SingletonName = "product-catalog";
    public const int SnapshotEvery = 20;

    private ProductCatalogState _state = ProductCatalogState.Empty;

    public ProductCatalogActor()
    {
        Recover<Akka.Persistence.SnapshotOffer>(offer =>
        {
            if (offer.Snapshot is ProductCatalogState snapshot) _state = snapshot;
        });
        Recover<ProductDefined>(evt => _state = _state.Apply(evt));

        Command<DefineProduct>(define =>
        {
            var (evt, reply) = _state.Process(define, DateTimeOffset.UtcNow);
            if (evt is null)
            {
                Sender.Tell(reply!);
                return;
            }

            var sender = Sender;
            Persist(evt, e =>
            {
                _state = _state.Apply(e);
                if (LastSequenceNr % SnapshotEvery == 0) SaveSnapshot(_state);
                sender.Tell(_state.ReceiptFor(e.ProductId, e.IdempotencyKey));
            });
        });
        Command<GetProduct>(g => Sender.Tell(_state.Find(g.ProductId) is { } product
            ? new ProductFound(product)
            : new ProductRejected(g.ProductId, SubscriberRejection.NotFound, $"product '{g.ProductId}' does not exist")));
        Command<ListProducts>(_ => Sender.Tell(new ProductList(_state.Products.OrderBy(p => p.ProductId.Value, StringComparer.Ordinal).ToList())));
        KeepOnlyLatestSnapshot();
    }

    public override string PersistenceId => ProductCatalogProtocol.PersistenceId;
}
