using Akka.Cluster.Hosting;
using Akka.Cluster.Sharding;
using Akka.DependencyInjection;
using Akka.Hosting;
using Inspur.Actors.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Inspur.Actors.Sessions;

/// <summary>Registers the <c>session</c> entity, the node's revocation listener and the session facades, next to the actors.</summary>
public static class SessionRegistration
{
    /// <summary>The <c>session</c> entity on <c>edge</c> nodes (proxied elsewhere) and a revocation listener on every node.</summary>
    public static AkkaConfigurationBuilder WithSessionActors(this AkkaConfigurationBuilder builder, IReadOnlyList<string> roles, SessionSettings settings)
    {
        if (roles.Contains(InspurRoles.Edge))
        {
            builder.WithShardRegion<StreamLimiterActor>(StreamLimiterActor.EntityTypeName, (_, _, resolver) => _ => resolver.Props<StreamLimiterActor>(),
                new StreamMessageExtractor(),
                new ShardOptions { Role = InspurRoles.Edge, StateStoreMode = StateStoreMode.DData, RememberEntities = false });
            // One Props for every bucket; the entity id names the bucket.
            builder.WithShardRegion<SessionBucketActor>(SessionBucketActor.EntityTypeName,
                (_, _, resolver) =>
                {
                    var props = resolver.Props<SessionBucketActor>();
                    return _ => props;
                },
                new SessionMessageExtractor(),
                new ShardOptions
                {
                    Role = InspurRoles.Edge,
                    StateStoreMode = StateStoreMode.DData,
                    RememberEntities = false,
                    HandOffStopMessage = SessionBucketActor.StopBucket.Instance,
                    // A bucket ends its silent sessions by itself first, so sharding stops only one with nothing but ended sessions;
                    // the waker's round keeps buckets running whenever it comes sooner than this.
                    PassivateIdleEntityAfter = settings.IdleTimeout * 2 + TimeSpan.FromSeconds(10),
                });
            builder.WithSingleton<SessionBucketWaker>(SessionBucketWaker.SingletonName, (_, _, resolver) => resolver.Props<SessionBucketWaker>(),
                new ClusterSingletonOptions { Role = InspurRoles.Edge });
        }
        else
        {
            builder.WithShardRegionProxy<SessionBucketActor>(SessionBucketActor.EntityTypeName, InspurRoles.Edge, new SessionMessageExtractor());
            builder.WithShardRegionProxy<StreamLimiterActor>(StreamLimiterActor.EntityTypeName, InspurRoles.Edge, new StreamMessageExtractor());
        }

        return builder.WithActors((system, _, resolver) => system.ActorOf(resolver.Props<PlaybackRevocationListener>(), PlaybackRevocationListener.Name));
    }

    public static IServiceCollection AddInspurSessions(this IServiceCollection services, SessionSettings settings) =>
        services.AddSingleton(settings)
            .AddSingleton<PlaybackRevocationList>()
            .AddSingleton<SessionHeartbeats>()
            .AddSingleton<ISessionService, SessionService>();
}
