using Akka.Actor;
using Akka.Persistence.Query;
using Inspur.Actors.Projections;
using Inspur.Domain.Channels;
using static Inspur.Domain.Channels.ChannelEvents;
using static Inspur.Domain.Channels.ChannelReplies;

namespace Inspur.Actors.Channels;

/// <summary>
/// Read model of all channels, projected from events tagged <c>channel</c> through the SQL query journal.
/// It replays everything on start (answering list queries only once caught up) and then follows new events live.
/// </summary>
public sealed class ChannelDirectoryProjection() : TaggedProjection(Tag, "channel directory")
{
    /// <summary>Ask for every channel, ordered by number.</summary>
    public sealed record ListChannels
    {
        public static readonly ListChannels Instance = new();
    }

    /// <summary>A write the local node just made, applied at once so a client reads its own writes.</summary>
    public sealed record Observed(ChannelView View);

    private readonly Dictionary<ChannelId, ChannelState> _channels = new();

    protected override string Summary => $"{_channels.Count} channels";

    protected override void Always() => Receive<Observed>(o => Upsert(ChannelState.From(o.View)));

    protected override void Queries() =>
        Receive<ListChannels>(_ => Sender.Tell(_channels.Values.Select(c => c.View()!).OrderBy(c => c.Config.Number).ThenBy(c => c.ChannelId.Value).ToList()));

    /// <summary>Applies the event with the entity's own <see cref="ChannelState.Apply"/>, so the read model cannot drift from it.</summary>
    protected override void Project(EventEnvelope envelope)
    {
        if (envelope.Event is not IChannelEvent evt) return;
        var known = _channels.TryGetValue(evt.ChannelId, out var current) ? current : ChannelState.Empty(evt.ChannelId);
        if (!known.Exists && evt is not ChannelCreated) return;
        // The event's sequence number is the version it produced (every event bumps the version by one).
        Upsert(known.Apply(evt) with { Version = envelope.SequenceNr });
    }

    /// <summary>Keeps the newest version; events and local observations may arrive in either order.</summary>
    private void Upsert(ChannelState state)
    {
        if (!_channels.TryGetValue(state.ChannelId, out var current) || current.Version < state.Version)
            _channels[state.ChannelId] = state;
    }
}
