using System.Collections.Immutable;

namespace Inspur.Domain.Sessions;

/// <summary>
/// The concurrent-stream count of one subscriber as leases: a playback reserves a lease for its session (refused when
/// the limit is reached), its session renews it while it plays and releases it when it ends; a lease not renewed runs
/// out by itself, so a lost release never locks an account out. Soft state: rebuilt by renewals, never persisted.
/// </summary>
public sealed record StreamLeases(ImmutableDictionary<SessionId, DateTimeOffset> Leases)
{
    public static readonly StreamLeases Empty = new(ImmutableDictionary<SessionId, DateTimeOffset>.Empty);

    /// <summary>Sessions whose lease is still running at <paramref name="now"/>, oldest expiry first.</summary>
    public IReadOnlyList<SessionId> Active(DateTimeOffset now) =>
        Leases.Where(l => l.Value > now).OrderBy(l => l.Value).ThenBy(l => l.Key.Value, StringComparer.Ordinal).Select(l => l.Key).ToList();

    /// <summary>
    /// Grants <paramref name="session"/> a lease until <paramref name="until"/> when fewer than <paramref name="limit"/>
    /// others are active (the session itself renewing does not count against it); null when refused.
    /// </summary>
    public StreamLeases? TryReserve(SessionId session, int limit, DateTimeOffset now, DateTimeOffset until)
    {
        var live = Prune(now);
        if (!live.Leases.ContainsKey(session) && live.Leases.Count >= limit) return null;
        return live with { Leases = live.Leases.SetItem(session, until) };
    }

    /// <summary>Extends a lease (or re-creates one a restart forgot: the session is playing, so it counts).</summary>
    public StreamLeases Renew(SessionId session, DateTimeOffset now, DateTimeOffset until)
    {
        var live = Prune(now);
        return live.Leases.TryGetValue(session, out var had) && had >= until ? live : live with { Leases = live.Leases.SetItem(session, until) };
    }

    public StreamLeases Release(SessionId session) => this with { Leases = Leases.Remove(session) };

    private StreamLeases Prune(DateTimeOffset now)
    {
        var expired = Leases.Where(l => l.Value <= now).Select(l => l.Key).ToList();
        return expired.Count == 0 ? this : this with { Leases = Leases.RemoveRange(expired) };
    }
}

/// <summary>Messages of the <c>subscriber-streams</c> entity (one per subscriber, in memory).</summary>
public static class StreamProtocol
{
    public interface IStreamMessage : IInspurMessage
    {
        string SubscriberId { get; }
    }

    public sealed record ReserveStream(string SubscriberId, SessionId SessionId, int Limit, DateTimeOffset Until) : IStreamMessage;

    public sealed record RenewStream(string SubscriberId, SessionId SessionId, DateTimeOffset Until) : IStreamMessage;

    public sealed record ReleaseStream(string SubscriberId, SessionId SessionId) : IStreamMessage;

    /// <summary>Which sessions hold a lease now: the subscriber's sessions playing (or paused) anywhere in the cluster.</summary>
    public sealed record ListStreams(string SubscriberId) : IStreamMessage;

    public interface IStreamReply : IInspurMessage;

    public sealed record StreamGranted(SessionId SessionId) : IStreamReply;

    /// <summary>The limit is reached; <see cref="Active"/> are the sessions holding it.</summary>
    public sealed record StreamRefused(int Limit, IReadOnlyList<SessionId> Active) : IStreamReply;

    /// <summary>The answer to <see cref="ListStreams"/>: the sessions whose lease runs now, oldest expiry first.</summary>
    public sealed record StreamList(string SubscriberId, IReadOnlyList<SessionId> Active) : IStreamReply;
}
