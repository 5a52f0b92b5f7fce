using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Hosting;
using Akka.Cluster.Sharding;
using Akka.Configuration;
using Akka.DependencyInjection;
using Akka.Hosting;
using Inspur.Actors.Channels;
using Inspur.Actors.Epg;
using Inspur.Actors.Projections;
using Inspur.Domain.Channels;
using static Inspur.Domain.Channels.ChannelReplies;
using Microsoft.Extensions.DependencyInjection;

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
            Func<Task<IEnumerable<object>>> running = async () =>
                (await directory.Ask<List<ChannelView>>(ChannelDirectoryProjection.ListChannels.Instance, ChannelService.AskTimeout))
                .Where(c => c.Running).Select(c => (object)new ChannelCommands.KeepRunning(c.ChannelId));
            system.ActorOf(Props.Create(() => new EntityKeeper("channel", channels, running)), "channel-keeper");
        });
    }

    /// <summary>The <c>epg</c> entity per channel and the <c>epg-sources</c> singleton (on <c>backoffice</c>, proxied elsewhere) and the EPG grid.</summary>
    public static AkkaConfigurationBuilder WithEpgActors(this AkkaConfigurationBuilder builder, IReadOnlyList<string> roles)
    {
        var singleton = new ClusterSingletonOptions { Role = InspurRoles.Backoffice };
        if (roles.Contains(InspurRoles.Backoffice))
        {
            builder.WithShardRegion<EpgActor>(EpgActor.EntityTypeName,
                (_, _, resolver) => entityId => resolver.Props<EpgActor>(entityId),
                new EpgMessageExtractor(),
                new ShardOptions { Role = InspurRoles.Backoffice, StateStoreMode = StateStoreMode.DData, RememberEntities = false });
            builder.WithSingleton<EpgSourcesActor>(EpgSourcesActor.SingletonName, (_, _, resolver) => resolver.Props<EpgSourcesActor>(), singleton);
        }
        else
        {
            builder.WithShardRegionProxy<EpgActor>(EpgActor.EntityTypeName, InspurRoles.Backoffice, new EpgMessageExtractor());
            builder.WithSingletonProxy<EpgSourcesActor>(EpgSourcesActor.SingletonName, singleton);
        }

        return builder.WithActors((system, registry) =>
            registry.Register<EpgGridProjection>(system.ActorOf(Props.Create(() => new EpgGridProjection()), "epg-grid")));
    }

    /// <summary>The EPG facades web code and the sources entity use.</summary>
    public static IServiceCollection AddInspurEpg(this IServiceCollection services)
    {
        services.AddSingleton<IEpgService, EpgService>();
        services.AddSingleton<EpgImporter>();
        services.AddSingleton(new EpgFetchOptions());
        return services;
    }
}
