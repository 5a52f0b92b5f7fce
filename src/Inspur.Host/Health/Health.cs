using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Akka.Persistence;
using Prometheus;

namespace Inspur.Host.Health;

/// <summary><c>/healthz</c>: the process answers. <c>/readyz</c>: this node is an Up cluster member and its journal answers.</summary>
public static class HealthEndpoints
{
    /// <summary>Probes and scrapes are frequent and expected to fail while a node starts: log them at debug level.</summary>
    public static bool IsProbe(PathString path) =>
        path.StartsWithSegments("/healthz") || path.StartsWithSegments("/readyz") || path.StartsWithSegments("/metrics");

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => Results.Text("ok\n"));
        app.MapGet("/readyz", async (ReadinessProbe probe, CancellationToken ct) =>
        {
            try
            {
                var report = await probe.CheckAsync(ct);
                return Results.Json(report, statusCode: report.Ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // The prober hung up; nobody is left to answer.
                return Results.Empty;
            }
        });
        return app;
    }
}

/// <summary>What <c>/readyz</c> reports.</summary>
public sealed record ReadinessReport(bool Ready, string Member, string Journal);

/// <summary>Checks cluster membership and asks the journal for a highest sequence number, which reaches the database.</summary>
public sealed class ReadinessProbe(ActorSystem system)
{
    public static readonly TimeSpan JournalTimeout = TimeSpan.FromSeconds(5);
    private const string ProbePersistenceId = "readyz-probe";

    public async Task<ReadinessReport> CheckAsync(CancellationToken ct)
    {
        var status = Cluster.Get(system).SelfMember.Status;
        var journal = await JournalAsync(ct);
        return new ReadinessReport(status == MemberStatus.Up && journal == "ok", status.ToString(), journal);
    }

    private async Task<string> JournalAsync(CancellationToken ct)
    {
        try
        {
            var journal = Persistence.Instance.Apply(system).JournalFor(null);
            var reply = await journal.Ask<object>(replyTo => new ReplayMessages(0, 0, 0, ProbePersistenceId, replyTo), JournalTimeout, ct);
            return reply switch
            {
                RecoverySuccess => "ok",
                ReplayMessagesFailure f => $"failed: {f.Cause.Message}",
                _ => $"unexpected reply {reply.GetType().Name}",
            };
        }
        catch (AskTimeoutException)
        {
            return $"no answer within {JournalTimeout.TotalSeconds:0}s";
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return $"no answer within {JournalTimeout.TotalSeconds:0}s";
        }
    }
}

/// <summary>Prometheus gauges for cluster membership and this node's sharded entities, refreshed on every scrape.</summary>
public sealed class ClusterMetrics(ActorSystem system)
{
    private static readonly Gauge Members = Metrics.CreateGauge("inspur_cluster_members", "Cluster members by status, as this node sees them.", "status");
    private static readonly Gauge Unreachable = Metrics.CreateGauge("inspur_cluster_unreachable_members", "Members this node sees as unreachable.");
    private static readonly Gauge Entities = Metrics.CreateGauge("inspur_sharding_entities", "Entities alive in this node's shard region.", "type");
    private static readonly Gauge Shards = Metrics.CreateGauge("inspur_sharding_shards", "Shards hosted by this node's shard region.", "type");
    private int _registered;

    public void Register()
    {
        if (Interlocked.Exchange(ref _registered, 1) == 1) return;
        Metrics.DefaultRegistry.AddBeforeCollectCallback(CollectAsync);
    }

    private async Task CollectAsync(CancellationToken ct)
    {
        var state = Cluster.Get(system).State;
        foreach (var status in Enum.GetValues<MemberStatus>())
            Members.WithLabels(status.ToString().ToLowerInvariant()).Set(state.Members.Count(m => m.Status == status));
        Unreachable.Set(state.Unreachable.Count);

        var sharding = ClusterSharding.Get(system);
        foreach (var type in sharding.ShardTypeNames)
        {
            try
            {
                var regionState = await sharding.ShardRegion(type).Ask<CurrentShardRegionState>(GetShardRegionState.Instance, TimeSpan.FromSeconds(2), ct);
                Shards.WithLabels(type).Set(regionState.Shards.Count);
                Entities.WithLabels(type).Set(regionState.Shards.Sum(s => s.EntityIds.Count));
            }
            catch (AskTimeoutException)
            {
                // A region busy handing over is reported on the next scrape.
            }
        }
    }
}
