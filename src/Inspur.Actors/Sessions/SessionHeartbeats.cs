using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Hosting;
using Inspur.Domain.Sessions;
using static Inspur.Domain.Sessions.SessionCommands;

namespace Inspur.Actors.Sessions;

/// <summary>
/// What the delivery gate reports to session entities, fire-and-forget and coalesced per session: at most one heartbeat
/// (and one revoked-notice) per session per <see cref="SessionSettings.HeartbeatInterval"/>, however many segments it fetches.
/// </summary>
public sealed class SessionHeartbeats(IRequiredActor<SessionBucketActor> sessions, SessionSettings settings)
{
    private readonly ConcurrentDictionary<string, long> _beats = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _revoked = new(StringComparer.Ordinal);
    private readonly long _intervalMs = Math.Max(1, (long)settings.HeartbeatInterval.TotalMilliseconds);
    private long _prunedAt = Environment.TickCount64;
    private long _sent;

    /// <summary>Heartbeats sent since start (for metrics and specs).</summary>
    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>The session fetched something; never blocks.</summary>
    public void Seen(SessionId session)
    {
        if (Due(_beats, session.Value)) Send(new SessionHeartbeat(session, DateTimeOffset.UtcNow));
    }

    /// <summary>The gate refused a revoked session: the entity ends with reason revoked (if it has not ended already).</summary>
    public void Refused(SessionId session)
    {
        if (Due(_revoked, session.Value)) Send(new EndSession(session, SessionEndReason.Revoked));
    }

    private void Send(object message)
    {
        Interlocked.Increment(ref _sent);
        sessions.ActorRef.Tell(message, ActorRefs.NoSender);
    }

    private bool Due(ConcurrentDictionary<string, long> last, string key)
    {
        var now = Environment.TickCount64;
        PruneNowAndThen(now);
        while (true)
        {
            if (!last.TryGetValue(key, out var at)) return last.TryAdd(key, now);
            if (now - at < _intervalMs) return false;
            if (last.TryUpdate(key, now, at)) return true;
        }
    }

    /// <summary>Drops sessions not seen for two intervals, at most once an interval, so the maps hold only sessions playing now.</summary>
    private void PruneNowAndThen(long now)
    {
        var pruned = Interlocked.Read(ref _prunedAt);
        if (now - pruned < 2 * _intervalMs || Interlocked.CompareExchange(ref _prunedAt, now, pruned) != pruned) return;
        foreach (var map in new[] { _beats, _revoked })
        {
            foreach (var (key, at) in map)
            {
                if (now - at >= 2 * _intervalMs) map.TryRemove(key, out _);
            }
        }
    }
}
