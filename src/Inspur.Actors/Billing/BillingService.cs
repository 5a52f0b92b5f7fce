using Akka.Actor;
using Akka.Hosting;
using static Inspur.Domain.Billing.BillingOutboxProtocol;

namespace Inspur.Actors.Billing;

/// <summary>What web code uses of the billing outbox: the reconciliation report.</summary>
public interface IBillingService
{
    /// <summary>Counts by status and every record the BOSS has not acknowledged that occurred at or after <paramref name="since"/> (all when null).</summary>
    Task<Reconciliation> ReconcileAsync(DateTimeOffset? since, CancellationToken ct = default);
}

/// <summary><see cref="IBillingService"/> over the <c>billing-outbox</c> singleton (or its proxy).</summary>
public sealed class BillingService(IRequiredActor<BillingOutboxActor> outbox) : IBillingService
{
    public static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(10);

    public Task<Reconciliation> ReconcileAsync(DateTimeOffset? since, CancellationToken ct = default) =>
        outbox.ActorRef.Ask<Reconciliation>(new GetReconciliation(since), AskTimeout, ct);
}
