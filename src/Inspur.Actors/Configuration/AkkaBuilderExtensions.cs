using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Hosting;
using Akka.Cluster.Sharding;
using Akka.Configuration;
using Akka.DependencyInjection;
using Akka.Hosting;
using Inspur.Actors.Channels;

namespace Inspur.Actors.Configuration;

/// <summary>Registrations the host calls; each feature registers its actors next to them.</summary>
public static class AkkaBuilderExtensions
{
    /// <summary>Loads the composed configuration and joins the configured seed nodes (or itself when there are none).</summary>
    public static AkkaConfigurationBuilder WithInspurNode(this AkkaConfigurationBuilder builder, Config config)
    {
        builder.AddHocon(config, HoconAddMode.Prepend);
        builder.AddStartup((system, _) =>
        {
            var cluster = Cluster.Get(system);
            var seeds = system.Settings.Config.GetStringList("akka.cluster.seed-nodes");
            if (seeds.Count == 0) cluster.Join(cluster.SelfAddress);
        });
        return builder;
    }

    /// <summary>The <c>channel</c> entity (hosted on <c>origin</c> nodes, proxied elsewhere) and the channel directory.</summary>
    public static AkkaConfigurationBuilder WithChannelActors(this AkkaConfigurationBuilder builder, IReadOnlyList<string> roles)
    {
        if (roles.Contains(InspurRoles.Origin))
        {
            builder.WithShardRegion<ChannelActor>(ChannelActor.EntityTypeName,
                (_, _, resolver) => entityId => resolver.Props<ChannelActor>(entityId),
                new ChannelMessageExtractor(),
                new ShardOptions { Role = InspurRoles.Origin, StateStoreMode = StateStoreMode.DData, RememberEntities = false });
        }
        else
        {
            builder.WithShardRegionProxy<ChannelActor>(ChannelActor.EntityTypeName, InspurRoles.Origin, new ChannelMessageExtractor());
        }

        return builder.WithActors((system, registry) =>
        {
            var directory = system.ActorOf(Props.Create(() => new ChannelDirectoryProjection()), "channel-directory");
            registry.Register<ChannelDirectoryProjection>(directory);
            var channels = registry.Get<ChannelActor>();
            registry.Register<ChannelKeeper>(system.ActorOf(Props.Create(() => new ChannelKeeper(channels, directory)), "channel-keeper"));
        });
    }
}
