using Akka.Actor;
using Akka.Persistence.Query;
using Inspur.Actors.Projections;
using Inspur.Domain.Channels;
using Inspur.Domain.Epg;
using static Inspur.Domain.Epg.EpgEvents;

namespace Inspur.Actors.Epg;

/// <summary>
/// Read model of every channel's EPG (the day grid), projected from events tagged <c>epg</c> through the SQL query journal
/// with the entity's own <see cref="EpgState.Apply"/>; answers only once caught up, then follows new events live.
/// </summary>
public sealed class EpgGridProjection() : TaggedProjection(Tag, "EPG grid")
{
    /// <summary>Ask for the programmes of all channels overlapping [From, To).</summary>
    public sealed record GetGrid(DateTimeOffset From, DateTimeOffset To);

    /// <summary>A write the local node just made (the event and the entity version it produced), so a client reads its own writes.</summary>
    public sealed record Observed(ProgrammesImported Event, long Version);

    private readonly Dictionary<ChannelId, EpgState> _channels = new();

    protected override string Summary => $"{_channels.Count} channels";

    protected override void Always() => Receive<Observed>(o => Apply(o.Event, o.Version));

    protected override void Queries() =>
        Receive<GetGrid>(q => Sender.Tell(_channels.Values
            .Select(s => new EpgGridRow(s.ChannelId, s.Between(q.From, q.To)))
            .Where(r => r.Programmes.Count > 0)
            .OrderBy(r => r.ChannelId.Value, StringComparer.Ordinal)
            .ToList()));

    protected override void Project(EventEnvelope envelope)
    {
        if (envelope.Event is ProgrammesImported evt) Apply(evt, envelope.SequenceNr);
    }

    /// <summary>Events are partial (a time span), so only the next version applies; an earlier one was already seen, a later one waits for the journal.</summary>
    private void Apply(ProgrammesImported evt, long version)
    {
        var known = _channels.TryGetValue(evt.ChannelId, out var current) ? current : EpgState.Empty(evt.ChannelId);
        if (version != known.Version + 1) return;
        _channels[evt.ChannelId] = known.Apply(evt) with { Version = version };
    }
}

/// <summary>One channel's row of the EPG grid.</summary>
public sealed record EpgGridRow(ChannelId ChannelId, IReadOnlyList<Programme> Programmes);
