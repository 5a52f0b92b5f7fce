using Akka.Cluster.Hosting;
using Akka.Cluster.Sharding;
using Akka.DependencyInjection;
using Akka.Hosting;
using Inspur.Actors.Configuration;
using Inspur.Domain.Subscribers;
using Microsoft.Extensions.DependencyInjection;

namespace Inspur.Actors.Subscribers;

/// <summary>Registers the <c>device-activation</c> and <c>auth-throttle</c> entities and their services, next to the actors.</summary>
public static class ActivationRegistration
{
    /// <summary>Both entities on <c>backoffice</c> nodes (where the subscriber entity lives), proxied elsewhere.</summary>
    public static AkkaConfigurationBuilder WithActivationActors(this AkkaConfigurationBuilder builder, IReadOnlyList<string> roles, TimeSpan maxLifetime)
    {
        if (roles.Contains(InspurRoles.Backoffice))
        {
            builder.WithShardRegion<DeviceActivationActor>(DeviceActivationActor.EntityTypeName,
                (_, _, resolver) => entityId => resolver.Props<DeviceActivationActor>(entityId),
                new DeviceActivationMessageExtractor(),
                // The entity ends itself when its code expires; sharding must not stop it silently before.
                new ShardOptions
                {
                    Role = InspurRoles.Backoffice,
                    StateStoreMode = StateStoreMode.DData,
                    RememberEntities = false,
                    PassivateIdleEntityAfter = maxLifetime + TimeSpan.FromMinutes(1),
                });
            builder.WithShardRegion<FailureThrottleActor>(FailureThrottleActor.EntityTypeName, (_, _, resolver) => _ => resolver.Props<FailureThrottleActor>(),
                new FailureThrottleMessageExtractor(),
                new ShardOptions
                {
                    Role = InspurRoles.Backoffice,
                    StateStoreMode = StateStoreMode.DData,
                    RememberEntities = false,
                    PassivateIdleEntityAfter = ThrottleLimit.MaxWindow + TimeSpan.FromMinutes(1),
                });
        }
        else
        {
            builder.WithShardRegionProxy<DeviceActivationActor>(DeviceActivationActor.EntityTypeName, InspurRoles.Backoffice, new DeviceActivationMessageExtractor());
            builder.WithShardRegionProxy<FailureThrottleActor>(FailureThrottleActor.EntityTypeName, InspurRoles.Backoffice, new FailureThrottleMessageExtractor());
        }

        return builder;
    }

    public static IServiceCollection AddInspurActivation(this IServiceCollection services) =>
        services.AddSingleton<IActivationService, ActivationService>().AddSingleton<IFailureThrottle, FailureThrottle>();
}
