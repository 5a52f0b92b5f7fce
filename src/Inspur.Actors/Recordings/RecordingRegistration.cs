using Akka.Actor;
using Akka.Cluster.Hosting;
using Akka.Cluster.Sharding;
using Akka.DependencyInjection;
using Akka.Hosting;
using Inspur.Actors.Configuration;
using Inspur.Actors.Projections;
using Inspur.Domain.Recordings;
using static Inspur.Domain.Recordings.RecordingCommands;
using static Inspur.Domain.Recordings.RecordingReplies;
using Microsoft.Extensions.DependencyInjection;

namespace Inspur.Actors.Recordings;

/// <summary>Registers the <c>recording</c> entity, its directory and keeper, and the service, next to the actors.</summary>
public static class RecordingRegistration
{
    /// <summary>The <c>recording</c> entity on <c>origin</c> nodes (they hold the archive), proxied elsewhere; the directory and keeper everywhere.</summary>
    public static AkkaConfigurationBuilder WithRecordingActors(this AkkaConfigurationBuilder builder, IReadOnlyList<string> roles)
    {
        if (roles.Contains(InspurRoles.Origin))
        {
            builder.WithShardRegion<RecordingActor>(RecordingActor.EntityTypeName,
                (_, _, resolver) => entityId => resolver.Props<RecordingActor>(entityId),
                new RecordingMessageExtractor(),
                new ShardOptions { Role = InspurRoles.Origin, StateStoreMode = StateStoreMode.DData, RememberEntities = false });
        }
        else
        {
            builder.WithShardRegionProxy<RecordingActor>(RecordingActor.EntityTypeName, InspurRoles.Origin, new RecordingMessageExtractor());
        }

        return builder.WithActors((system, registry) =>
        {
            var directory = system.ActorOf(Props.Create(() => new RecordingDirectoryProjection()), "recording-directory");
            registry.Register<RecordingDirectoryProjection>(directory);
            var recordings = registry.Get<RecordingActor>();
            Func<Task<IEnumerable<object>>> underWay = async () =>
                (await directory.Ask<List<RecordingView>>(RecordingDirectoryProjection.ListRecordings.Instance, RecordingService.AskTimeout))
                .Where(r => r.Phase is RecordingPhase.Scheduled or RecordingPhase.Recording or RecordingPhase.Exporting)
                .Select(r => (object)new KeepRecording(r.RecordingId));
            system.ActorOf(Props.Create(() => new EntityKeeper("recording", recordings, underWay)), "recording-keeper");
        });
    }

    public static IServiceCollection AddInspurRecordings(this IServiceCollection services) =>
        services.AddSingleton<IRecordingService, RecordingService>();
}
