using Inspur.Actors.Billing;
using Inspur.Actors.Subscribers;
using Inspur.Domain.Billing;
using Inspur.Domain.Subscribers;
using static Inspur.Domain.Subscribers.SubscriberReplies;

namespace Inspur.Host.Api;

/// <summary>
/// The billing side of the BOSS API, signed like the rest of <c>/api/boss/v1</c>: the reconciliation report of what the BOSS has
/// not acknowledged, and an account's entitlements (channels, VOD packs, TVOD titles) at an instant.
/// </summary>
public static class BillingApi
{
    public static IEndpointRouteBuilder MapBillingApi(this IEndpointRouteBuilder app)
    {
        var group = BossApi.MapGroup(app);

        group.MapGet("/billing/reconciliation", async (HttpRequest request, IBillingService billing, BillingSettings settings, CancellationToken ct) =>
        {
            DateTimeOffset? since = null;
            if (request.Query["since"] is { Count: > 0 } text && (since = BossApi.QueryTime(text.ToString())) is null)
                return BossApi.Invalid("since", "since must be an ISO 8601 time with an offset or Unix seconds");
            return await ClusterTimeout.GuardAsync(async () => Results.Ok(ReconciliationDto.Of(await billing.ReconcileAsync(since, ct), settings.BossUrl is not null)),
                "Billing outbox unavailable", "the billing outbox did not answer in time; retry later");
        })
            .WithSummary("The billing records the BOSS has not acknowledged")
            .WithDescription("Pending and rejected records (occurred at or after since, when given) and counts by status.")
            .Query("since", "ISO 8601 with an offset or Unix seconds")
            .Produces<ReconciliationDto>().ProducesValidationProblem();

        group.MapGet("/subscribers/{id}/entitlements", async (string id, HttpRequest request, ISubscriberService service, CancellationToken ct) =>
        {
            if (!SubscriberId.IsValid(id)) return BossApi.InvalidId("id", id, "subscriber");
            var at = DateTimeOffset.UtcNow;
            if (request.Query["at"] is { Count: > 0 } text)
            {
                if (BossApi.QueryTime(text.ToString()) is not { } asked) return BossApi.Invalid("at", "at must be an ISO 8601 time with an offset or Unix seconds");
                at = asked;
            }

            return await BossApi.Guard(async () => await service.GetEntitlementsAsync(new SubscriberId(id), at, ct) switch
            {
                Entitlements e => Results.Ok(EntitlementsDto.Of(e)),
                SubscriberRejected r => BossApi.Rejected(r.Reason, r.Message),
                var other => BossApi.Unexpected(other),
            });
        })
            .WithSummary("What an account's orders grant at an instant")
            .Query("at", "ISO 8601 with an offset or Unix seconds; default now")
            .Produces<EntitlementsDto>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);

        return app;
    }
}

/// <summary>One entitlement as the BOSS API shows it: the channel, pack or title, the product granting it, and until when.</summary>
public sealed record GrantDto(string Id, string Via, DateTimeOffset From, DateTimeOffset? Until)
{
    public static GrantDto Of(Grant g) => new(g.Item, g.Via.Value, g.From, g.Until);
}

/// <summary>What an account's orders grant at <c>at</c>; <c>status</c> says whether the account may use it now (active) or not.</summary>
public sealed record EntitlementsDto(string Subscriber, DateTimeOffset At, string Status, IReadOnlyList<GrantDto> Channels, IReadOnlyList<GrantDto> VodPacks,
    IReadOnlyList<GrantDto> Titles)
{
    public static EntitlementsDto Of(Entitlements e) => new(e.SubscriberId.Value, e.At, ProductDto.Lower(e.Status), e.Channels.Select(GrantDto.Of).ToList(),
        e.VodPacks.Select(GrantDto.Of).ToList(), e.Titles.Select(GrantDto.Of).ToList());
}

/// <summary>A record the BOSS has not acknowledged: pending (with its attempts, next attempt and last error) or rejected (with the reason).</summary>
public sealed record UnacknowledgedDto(string Id, string Kind, string Subscriber, string Product, long? Price, string? Currency, DateTimeOffset OccurredAt,
    string Status, int Attempts, DateTimeOffset? NextAttemptAt, string? LastError, DateTimeOffset? RejectedAt)
{
    public static UnacknowledgedDto Of(OutboxEntry e) => new(e.Record.Id, Boss.BillingRecordDto.KindName(e.Record.Kind), e.Record.SubscriberId.Value,
        e.Record.ProductId.Value, e.Record.Price, e.Record.Currency, e.Record.OccurredAt, ProductDto.Lower(e.Status), e.Attempts, e.NextAttemptAt, e.LastError,
        e.Status == DeliveryStatus.Rejected ? e.SettledAt : null);
}

/// <summary>Counts of the outbox's records by status.</summary>
public sealed record BillingCountsDto(int Pending, int Rejected, int Delivered);

/// <summary>
/// The reconciliation report: what the BOSS has not acknowledged (occurred at or after <c>since</c>, when given), and counts.
/// <c>sending</c> is false when no <c>Inspur:Billing:BossUrl</c> is configured, so records stay pending.
/// </summary>
public sealed record ReconciliationDto(DateTimeOffset At, DateTimeOffset? Since, bool Sending, BillingCountsDto Counts, IReadOnlyList<UnacknowledgedDto> Records)
{
    public static ReconciliationDto Of(Domain.Billing.BillingOutboxProtocol.Reconciliation r, bool sending) =>
        new(r.At, r.Since, sending, new BillingCountsDto(r.Pending, r.Rejected, r.Delivered), r.Unacknowledged.Select(UnacknowledgedDto.Of).ToList());
}
