using Akka.Cluster.Hosting;
using Akka.DependencyInjection;
using Akka.Hosting;
using Inspur.Actors.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Inspur.Actors.Billing;

/// <summary>Registers the <c>billing-outbox</c> singleton (on <c>backoffice</c>, proxied elsewhere) and the billing service, next to the actor.</summary>
public static class BillingRegistration
{
    public static AkkaConfigurationBuilder WithBillingActors(this AkkaConfigurationBuilder builder, IReadOnlyList<string> roles)
    {
        var singleton = new ClusterSingletonOptions { Role = InspurRoles.Backoffice };
        return roles.Contains(InspurRoles.Backoffice)
            ? builder.WithSingleton<BillingOutboxActor>(BillingOutboxActor.SingletonName, (_, _, resolver) => resolver.Props<BillingOutboxActor>(), singleton)
            : builder.WithSingletonProxy<BillingOutboxActor>(BillingOutboxActor.SingletonName, singleton);
    }

    /// <summary>The settings and the delivery the outbox uses, and <see cref="IBillingService"/>.</summary>
    public static IServiceCollection AddInspurBilling<TDelivery>(this IServiceCollection services, BillingSettings settings)
        where TDelivery : class, IBillingDelivery =>
        services.AddSingleton(settings).AddSingleton<IBillingDelivery, TDelivery>().AddSingleton<IBillingService, BillingService>();
}
