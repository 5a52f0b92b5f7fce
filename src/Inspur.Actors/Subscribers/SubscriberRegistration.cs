using Akka.Actor;
using Akka.Cluster.Hosting;
using Akka.Cluster.Sharding;
using Akka.DependencyInjection;
using Akka.Hosting;
using Inspur.Actors.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Inspur.Actors.Subscribers;

/// <summary>Registers the <c>subscriber</c> entity, the <c>product-catalog</c> singleton, the subscriber directory and the service, next to the actors.</summary>
public static class SubscriberRegistration
{
    /// <summary>The entity and the catalog on <c>backoffice</c> nodes, proxied elsewhere; the directory everywhere.</summary>
    public static AkkaConfigurationBuilder WithSubscriberActors(this AkkaConfigurationBuilder builder, IReadOnlyList<string> roles)
    {
        var singleton = new ClusterSingletonOptions { Role = InspurRoles.Backoffice };
        if (roles.Contains(InspurRoles.Backoffice))
        {
            builder.WithShardRegion<SubscriberActor>(SubscriberActor.EntityTypeName,
                (_, _, resolver) => entityId => resolver.Props<SubscriberActor>(entityId),
                new SubscriberMessageExtractor(),
                new ShardOptions { Role = InspurRoles.Backoffice, StateStoreMode = StateStoreMode.DData, RememberEntities = false });
            builder.WithSingleton<ProductCatalogActor>(ProductCatalogActor.SingletonName, (_, _, resolver) => resolver.Props<ProductCatalogActor>(), singleton);
        }
        else
        {
            builder.WithShardRegionProxy<SubscriberActor>(SubscriberActor.EntityTypeName, InspurRoles.Backoffice, new SubscriberMessageExtractor());
            builder.WithSingletonProxy<ProductCatalogActor>(ProductCatalogActor.SingletonName, singleton);
        }

        return builder.WithActors((system, registry) =>
            registry.Register<SubscriberDirectoryProjection>(system.ActorOf(Props.Create(() => new SubscriberDirectoryProjection()), "subscriber-directory")));
    }

    public static IServiceCollection AddInspurSubscribers(this IServiceCollection services) =>
        services.AddSingleton<ISubscriberService, SubscriberService>();
}
