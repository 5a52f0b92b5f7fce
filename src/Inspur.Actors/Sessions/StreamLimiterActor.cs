using Akka.Actor;
using Akka.Cluster.Sharding;
using Inspur.Domain.Sessions;
using static Inspur.Domain.Sessions.StreamProtocol;

namespace Inspur.Actors.Sessions;

/// <summary>
/// The sharded, in-memory <c>subscriber-streams</c> entity: one subscriber's <see cref="StreamLeases"/>. Not persisted:
/// after a restart or a hand-over the sessions still playing renew their leases within a third of the idle timeout, so
/// the count is back before it matters. Passivates itself when no lease is left.
/// </summary>
public sealed class StreamLimiterActor : UntypedActor
{
    public const string EntityTypeName = "subscriber-streams";

    private StreamLeases _leases = StreamLeases.Empty;

    protected override void OnReceive(object message)
    {
        var now = DateTimeOffset.UtcNow;
        switch (message)
        {
            case ReserveStream reserve when _leases.TryReserve(reserve.SessionId, reserve.Limit, now, reserve.Until) is { } granted:
                _leases = granted;
                Sender.Tell(new StreamGranted(reserve.SessionId));
                break;
            case ReserveStream reserve:
                Sender.Tell(new StreamRefused(reserve.Limit, _leases.Active(now)));
                break;
            case RenewStream renew:
                _leases = _leases.Renew(renew.SessionId, now, renew.Until);
                break;
            case ReleaseStream release:
                _leases = _leases.Release(release.SessionId);
                if (_leases.Active(now).Count == 0) Context.Parent.Tell(new Passivate(PoisonPill.Instance));
                break;
            case ListStreams list:
                var active = _leases.Active(now);
                Sender.Tell(new StreamList(list.SubscriberId, active));
                // Asking about a subscriber who plays nothing need not keep an entity in memory.
                if (active.Count == 0) Context.Parent.Tell(new Passivate(PoisonPill.Instance));
                break;
            default:
                Unhandled(message);
                break;
        }
    }
}

/// <summary>Routes stream messages to their subscriber's entity.</summary>
public sealed class StreamMessageExtractor() : HashCodeMessageExtractor(ShardCount)
{
    public const int ShardCount = 100;

    public override string? EntityId(object message) => message is IStreamMessage m ? m.SubscriberId : null;
}
