namespace Inspur.Domain.Subscribers;

/// <summary>The set-top box an activation would register, as the box described itself.</summary>
public sealed record ActivationDevice(string DeviceId, DeviceKind Kind, string? Mac, string? Serial, string? Name);

/// <summary>Messages of the <c>device-activation</c> entity, one per live code.</summary>
public static class ActivationProtocol
{
    public interface IActivationMessage : IInspurMessage
    {
        string Code { get; }
    }

    /// <summary>A box asks for <paramref name="Code"/>; refused with <see cref="ActivationRefusal.CodeTaken"/> while another activation holds it.</summary>
    public sealed record BeginActivation(string Code, string Nonce, ActivationDevice Device, DateTimeOffset ExpiresAt, TimeSpan Interval) : IActivationMessage;

    /// <summary>
    /// The subscriber (or the BOSS for them, with its <paramref name="IdempotencyKey"/>) approves the code: the entity registers the
    /// box on the account and remembers the approval. A second confirm is refused, except a BOSS retry with the same key.
    /// </summary>
    public sealed record ConfirmActivation(string Code, SubscriberId SubscriberId, string? IdempotencyKey) : IActivationMessage;

    /// <summary>The box polls with the nonce of its poll token; the first poll after approval redeems the activation.</summary>
    public sealed record PollActivation(string Code, string Nonce) : IActivationMessage;

    public interface IActivationReply : IInspurMessage;

    public sealed record ActivationBegun(string Code, DateTimeOffset ExpiresAt) : IActivationReply;

    public sealed record ActivationConfirmed(string Code, SubscriberId SubscriberId, string DeviceId, bool Replayed) : IActivationReply;

    public sealed record ActivationPending(string Code) : IActivationReply;

    /// <summary>The box polled sooner than the interval allows; it may poll again after <see cref="RetryAfter"/>.</summary>
    public sealed record ActivationSlowDown(string Code, TimeSpan RetryAfter) : IActivationReply;

    /// <summary>The poll that redeemed the approval: sign the box in as <see cref="SubscriberId"/> on <see cref="Device"/>.</summary>
    public sealed record ActivationRedeemed(string Code, SubscriberId SubscriberId, ActivationDevice Device) : IActivationReply;

    public sealed record ActivationRefused(string Code, ActivationRefusal Reason, string Message) : IActivationReply
    {
        /// <summary>Why the account refused the box, when <see cref="Reason"/> is <see cref="ActivationRefusal.DeviceRefused"/>.</summary>
        public SubscriberRejection? ByAccount { get; init; }
    }
}

/// <summary>Why an activation message was refused.</summary>
public enum ActivationRefusal
{
    /// <summary>No live activation has this code (or the poll token's nonce is another activation's).</summary>
    Unknown,

    /// <summary>The code is held by a live activation: pick another.</summary>
    CodeTaken,

    Expired,

    /// <summary>Confirmed (or redeemed) already; codes are single use.</summary>
    AlreadyUsed,

    /// <summary>A confirmation of the code is under way.</summary>
    Busy,

    /// <summary>The account would not register the box (device limit, unknown or closed account, a clash).</summary>
    DeviceRefused,

    /// <summary>The subscriber service did not answer.</summary>
    Unavailable,
}

/// <summary>Where an activation is: none, waiting for a subscriber, being registered, approved, redeemed by the box's poll.</summary>
public enum ActivationPhase
{
    None,
    Pending,
    Confirming,
    Approved,
    Redeemed,
}

/// <summary>
/// The pure state of one code's activation (RFC 8628, adapted). Not persisted: it lives at most the activation lifetime, and a
/// box whose code was lost with a node simply asks for a new one.
/// </summary>
public sealed record DeviceActivationState(string Code, ActivationPhase Phase)
{
    public string? Nonce { get; init; }

    public ActivationDevice? Device { get; init; }

    public DateTimeOffset ExpiresAt { get; init; }

    public TimeSpan Interval { get; init; }

    public DateTimeOffset? LastPollAt { get; init; }

    public SubscriberId? ApprovedFor { get; init; }

    public string? ApprovalKey { get; init; }

    public static DeviceActivationState Empty(string code) => new(code, ActivationPhase.None);

    public bool IsLive(DateTimeOffset now) => Phase != ActivationPhase.None && now < ExpiresAt;

    /// <summary>The idempotency key the box's registration is sent with: one per activation, so a retried confirmation registers once.</summary>
    public string RegistrationKey => $"activation-{Code}-{Nonce}";

    public (DeviceActivationState State, ActivationProtocol.IActivationReply Reply) Begin(ActivationProtocol.BeginActivation begin, DateTimeOffset now) =>
        IsLive(now)
            ? (this, Refuse(ActivationRefusal.CodeTaken, "the code is in use"))
            : (Empty(Code) with { Phase = ActivationPhase.Pending, Nonce = begin.Nonce, Device = begin.Device, ExpiresAt = begin.ExpiresAt, Interval = begin.Interval },
                new ActivationProtocol.ActivationBegun(Code, begin.ExpiresAt));

    /// <summary>Either a reply (refused, or a replayed BOSS confirmation) or, with none, the state <see cref="ActivationPhase.Confirming"/>: register the box now.</summary>
    public (DeviceActivationState State, ActivationProtocol.IActivationReply? Reply) Confirm(ActivationProtocol.ConfirmActivation confirm, DateTimeOffset now) => Phase switch
    {
        ActivationPhase.None => (this, Unknown()),
        _ when now >= ExpiresAt => (this, Expired()),
        ActivationPhase.Confirming => (this, Refuse(ActivationRefusal.Busy, $"code {ActivationCode.Display(Code)} is being confirmed")),
        ActivationPhase.Approved or ActivationPhase.Redeemed when confirm.IdempotencyKey is not null && confirm.IdempotencyKey == ApprovalKey &&
                                                                 confirm.SubscriberId == ApprovedFor =>
            (this, new ActivationProtocol.ActivationConfirmed(Code, ApprovedFor, Device!.DeviceId, Replayed: true)),
        ActivationPhase.Approved or ActivationPhase.Redeemed => (this, Refuse(ActivationRefusal.AlreadyUsed, $"code {ActivationCode.Display(Code)} was confirmed already")),
        _ => (this with { Phase = ActivationPhase.Confirming }, null),
    };

    /// <summary>The account registered the box (or had it already): approved for it.</summary>
    public (DeviceActivationState State, ActivationProtocol.IActivationReply Reply) Registered(ActivationProtocol.ConfirmActivation confirm) =>
        (this with { Phase = ActivationPhase.Approved, ApprovedFor = confirm.SubscriberId, ApprovalKey = confirm.IdempotencyKey },
            new ActivationProtocol.ActivationConfirmed(Code, confirm.SubscriberId, Device!.DeviceId, Replayed: false));

    /// <summary>The registration failed: the code waits for a confirmation again (say, once a device slot is freed).</summary>
    public DeviceActivationState RegistrationFailed() => Phase == ActivationPhase.Confirming ? this with { Phase = ActivationPhase.Pending } : this;

    public (DeviceActivationState State, ActivationProtocol.IActivationReply Reply) Poll(ActivationProtocol.PollActivation poll, DateTimeOffset now)
    {
        if (Phase == ActivationPhase.None || poll.Nonce != Nonce) return (this, Unknown());
        if (now >= ExpiresAt) return (this, Expired());
        if (Phase == ActivationPhase.Redeemed) return (this, Refuse(ActivationRefusal.AlreadyUsed, "the activation was redeemed already; the token was issued"));
        if (LastPollAt is { } last && now < last + Interval) return (this, new ActivationProtocol.ActivationSlowDown(Code, last + Interval - now));
        var polled = this with { LastPollAt = now };
        return Phase == ActivationPhase.Approved
            ? (polled with { Phase = ActivationPhase.Redeemed }, new ActivationProtocol.ActivationRedeemed(Code, ApprovedFor!, Device!))
            : (polled, new ActivationProtocol.ActivationPending(Code));
    }

    private ActivationProtocol.ActivationRefused Unknown() =>
        Refuse(ActivationRefusal.Unknown, $"no activation has code {ActivationCode.Display(Code)}; it may have expired");

    private ActivationProtocol.ActivationRefused Expired() => Refuse(ActivationRefusal.Expired, $"code {ActivationCode.Display(Code)} expired at {ExpiresAt.UtcDateTime:O}");

    private ActivationProtocol.ActivationRefused Refuse(ActivationRefusal reason, string message) => new(Code, reason, message);
}
