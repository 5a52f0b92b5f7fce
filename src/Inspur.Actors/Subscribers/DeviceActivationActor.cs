using Akka.Actor;
using Akka.Cluster.Sharding;
using Inspur.Domain.Subscribers;
using static Inspur.Domain.Subscribers.ActivationProtocol;
using static Inspur.Domain.Subscribers.SubscriberCommands;
using static Inspur.Domain.Subscribers.SubscriberReplies;

namespace Inspur.Actors.Subscribers;

/// <summary>
/// The sharded, in-memory <c>device-activation</c> entity of one code: a box's pending activation, the subscriber's confirmation
/// (which registers the box through the <c>subscriber</c> entity, so the device limit applies) and the box's polls. It stops
/// itself when the code expires; not persisted (see docs/decisions.md).
/// </summary>
public sealed class DeviceActivationActor : ReceiveActor, IWithTimers
{
    public const string EntityTypeName = "device-activation";

    private readonly ISubscriberService _subscribers;
    private DeviceActivationState _state;

    public DeviceActivationActor(string entityId, ISubscriberService subscribers)
    {
        _subscribers = subscribers;
        _state = DeviceActivationState.Empty(entityId);

        Receive<BeginActivation>(begin =>
        {
            var (state, reply) = _state.Begin(begin, DateTimeOffset.UtcNow);
            _state = state;
            Sender.Tell(reply);
            if (reply is ActivationBegun) ExpireAt(_state.ExpiresAt);
            else PassivateIfEmpty();
        });
        Receive<ConfirmActivation>(confirm =>
        {
            var (state, reply) = _state.Confirm(confirm, DateTimeOffset.UtcNow);
            _state = state;
            if (reply is not null)
            {
                Sender.Tell(reply);
                PassivateIfEmpty();
                return;
            }

            var device = _state.Device!;
            RegisterAsync(confirm, device, _state.RegistrationKey).PipeTo(Self, Sender, r => new Registration(confirm, r),
                ex => new Registration(confirm, new ActivationRefused(confirm.Code, ActivationRefusal.Unavailable, $"the subscriber service failed: {ex.GetBaseException().Message}")));
        });
        Receive<Registration>(registration =>
        {
            if (registration.Reply is ActivationConfirmed)
            {
                var (state, reply) = _state.Registered(registration.Confirm);
                _state = state;
                Sender.Tell(reply);
            }
            else
            {
                _state = _state.RegistrationFailed();
                Sender.Tell(registration.Reply);
            }
        });
        Receive<PollActivation>(poll =>
        {
            var (state, reply) = _state.Poll(poll, DateTimeOffset.UtcNow);
            _state = state;
            Sender.Tell(reply);
            PassivateIfEmpty();
        });
        Receive<Expire>(_ =>
        {
            // A registration under way finishes first, so its answer is not lost.
            if (_state.Phase == ActivationPhase.Confirming) Timers.StartSingleTimer(nameof(Expire), Expire.Instance, TimeSpan.FromSeconds(1));
            else Context.Parent.Tell(new Passivate(PoisonPill.Instance));
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Registers the box; a box the account has already (the same id, kind, MAC and serial) counts as registered.</summary>
    private async Task<IActivationReply> RegisterAsync(ConfirmActivation confirm, ActivationDevice device, string key)
    {
        var reply = await _subscribers.ExecuteAsync(new RegisterDevice(confirm.SubscriberId, key, device.DeviceId, device.Kind, device.Mac, device.Serial, device.Name));
        if (reply is SubscriberReceipt) return new ActivationConfirmed(confirm.Code, confirm.SubscriberId, device.DeviceId, false);
        var refused = reply as SubscriberRejected;
        if (refused?.Reason == SubscriberRejection.Conflict)
        {
            var facts = await _subscribers.GetSignInAsync(confirm.SubscriberId);
            var mac = SubscriberState.NormalizeMac(device.Mac);
            if (facts.Status != SubscriberStatus.Closed &&
                facts.Devices.Any(d => d.DeviceId == device.DeviceId && d.Kind == device.Kind && d.Mac == mac && d.Serial == device.Serial))
                return new ActivationConfirmed(confirm.Code, confirm.SubscriberId, device.DeviceId, false);
        }

        return new ActivationRefused(confirm.Code, ActivationRefusal.DeviceRefused, refused?.Message ?? $"unexpected reply {reply.GetType().Name}")
        {
            ByAccount = refused?.Reason ?? SubscriberRejection.Invalid,
        };
    }

    private void ExpireAt(DateTimeOffset at) =>
        Timers.StartSingleTimer(nameof(Expire), Expire.Instance, at - DateTimeOffset.UtcNow is var d && d > TimeSpan.Zero ? d : TimeSpan.Zero);

    private void PassivateIfEmpty()
    {
        if (_state.Phase == ActivationPhase.None) Context.Parent.Tell(new Passivate(PoisonPill.Instance));
    }

    private sealed record Registration(ConfirmActivation Confirm, IActivationReply Reply);

    private sealed class Expire
    {
        public static readonly Expire Instance = new();
    }
}

/// <summary>Routes every activation message to its code's entity.</summary>
public sealed class DeviceActivationMessageExtractor() : HashCodeMessageExtractor(ShardCount)
{
    public const int ShardCount = 100;

    public override string? EntityId(object message) => message is IActivationMessage m ? m.Code : null;
}
