using Akka.Actor;
using Akka.Persistence.Query;
using Inspur.Actors.Projections;
using Inspur.Domain.Subscribers;
using static Inspur.Domain.Subscribers.SubscriberEvents;
using static Inspur.Domain.Subscribers.SubscriberReplies;

namespace Inspur.Actors.Subscribers;

/// <summary>
/// Read model of all subscriber accounts for the BOSS and the admin, projected from events tagged <c>subscriber</c> through
/// the SQL query journal; it replays everything on start (answering searches only once caught up) and then follows live.
/// </summary>
public sealed class SubscriberDirectoryProjection() : TaggedProjection(Tag, "subscriber directory")
{
    public const int MaxResults = 500;

    /// <summary>
    /// Accounts whose id or name, or one of whose devices' id, MAC or serial, contains <paramref name="Query"/> (case-insensitive;
    /// a MAC also written with dashes; all when empty), by id, at most <paramref name="Limit"/>.
    /// </summary>
    public sealed record SearchSubscribers(string? Query, int Limit);

    /// <summary>A write the local node just made, applied at once so a client reads its own writes.</summary>
    public sealed record Observed(SubscriberView View);

    private readonly Dictionary<SubscriberId, SubscriberState> _subscribers = new();

    protected override string Summary => $"{_subscribers.Count} subscribers";

    protected override void Always() => Receive<Observed>(o => Upsert(SubscriberState.From(o.View)));

    protected override void Queries() =>
        Receive<SearchSubscribers>(s =>
        {
            var query = s.Query?.Trim() ?? "";
            var mac = query.Replace('-', ':');
            Sender.Tell(_subscribers.Values
                .Where(x => query.Length == 0 || x.SubscriberId.Value.Contains(query, StringComparison.OrdinalIgnoreCase) ||
                            x.Name!.Contains(query, StringComparison.OrdinalIgnoreCase) ||
                            x.Devices.Any(d => d.DeviceId.Contains(query, StringComparison.OrdinalIgnoreCase) ||
                                               d.Mac?.Contains(mac, StringComparison.OrdinalIgnoreCase) == true ||
                                               d.Serial?.Contains(query, StringComparison.OrdinalIgnoreCase) == true))
                .OrderBy(x => x.SubscriberId.Value, StringComparer.Ordinal)
                .Take(Math.Clamp(s.Limit, 1, MaxResults))
                .Select(x => x.View()!)
                .ToList());
        });

    /// <summary>Applies the event with the entity's own <see cref="SubscriberState.Apply"/>; the idempotency keys are not kept here.</summary>
    protected override void Project(EventEnvelope envelope)
    {
        if (envelope.Event is not ISubscriberEvent evt) return;
        var known = _subscribers.TryGetValue(evt.SubscriberId, out var current) ? current : SubscriberState.Empty(evt.SubscriberId);
        if (!known.Exists && evt is not AccountOpened) return;
        Upsert(known.Apply(evt) with { Version = envelope.SequenceNr, Log = IdempotencyLog.Empty });
    }

    private void Upsert(SubscriberState state)
    {
        if (!_subscribers.TryGetValue(state.SubscriberId, out var current) || current.Version < state.Version)
            _subscribers[state.SubscriberId] = state;
    }
}
