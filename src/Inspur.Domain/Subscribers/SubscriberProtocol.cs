using Inspur.Domain.Channels;

namespace Inspur.Domain.Subscribers;

/// <summary>Where an account is in its life; <see cref="Closed"/> is final.</summary>
public enum SubscriberStatus
{
    Active,
    Suspended,
    Closed,
}

/// <summary>What kind of device a subscriber watches on.</summary>
public enum DeviceKind
{
    /// <summary>A set-top box, known by its MAC address and/or serial number.</summary>
    Stb,
    Phone,
    Tablet,
    Browser,
}

/// <summary>How many devices an account may register and how many streams it may watch at once.</summary>
public sealed record SubscriberLimits(int Devices, int Streams)
{
    public const int Max = 100;

    public static ConfigProblem? Validate(SubscriberLimits? limits)
    {
        if (limits is null) return new("limits", "limits are required");
        if (limits.Devices is < 1 or > Max) return new("deviceLimit", $"deviceLimit must be 1-{Max}");
        if (limits.Streams is < 1 or > Max) return new("streamLimit", $"streamLimit must be 1-{Max}");
        return null;
    }
}

/// <summary>A registered device; a set-top box carries its MAC (lower-case, colon-separated) and/or serial.</summary>
public sealed record Device(string DeviceId, DeviceKind Kind, DateTimeOffset RegisteredAt)
{
    public string? Mac { get; init; }

    public string? Serial { get; init; }

    public string? Name { get; init; }
}

/// <summary>An order of a product over <c>[From, Until)</c> (open-ended when Until is null), with the product as it was ordered.</summary>
public sealed record Order(ProductId ProductId, ProductDefinition Product, DateTimeOffset From, DateTimeOffset? Until, DateTimeOffset OrderedAt)
{
    public DateTimeOffset? CancelledAt { get; init; }

    /// <summary>In force at <paramref name="at"/>.</summary>
    public bool ActiveAt(DateTimeOffset at) => From <= at && (Until is null || at < Until);

    /// <summary>Shares an instant with <c>[from, until)</c>.</summary>
    public bool Overlaps(DateTimeOffset from, DateTimeOffset? until) => (Until is null || from < Until) && (until is null || From < until);
}

/// <summary>Commands a subscriber entity accepts; every one carries the BOSS's idempotency key.</summary>
public static class SubscriberCommands
{
    public interface ISubscriberCommand : IWithSubscriberId, IInspurMessage
    {
        string IdempotencyKey { get; }
    }

    /// <summary>Opens an account, with a sign-in password and/or PIN already hashed by the caller when the BOSS sent them.</summary>
    public sealed record OpenAccount(SubscriberId SubscriberId, string IdempotencyKey, string Name, SubscriberLimits Limits) : ISubscriberCommand
    {
        public CredentialHash? Password { get; init; }

        public CredentialHash? Pin { get; init; }
    }

    /// <summary>Replaces the password and/or PIN (hashed by the caller); one left null stays as it is.</summary>
    public sealed record SetCredentials(SubscriberId SubscriberId, string IdempotencyKey, CredentialHash? Password, CredentialHash? Pin) : ISubscriberCommand;

    /// <summary>Every access token issued before now is refused from now on (a BOSS action, or the subscriber signing out).</summary>
    public sealed record RevokeTokens(SubscriberId SubscriberId, string IdempotencyKey, string Reason) : ISubscriberCommand
    {
        /// <summary>Also end the account's playback on every node (the BOSS's revocation; a sign-out leaves running streams alone).</summary>
        public bool EndPlayback { get; init; }
    }

    public sealed record SuspendAccount(SubscriberId SubscriberId, string IdempotencyKey, string Reason) : ISubscriberCommand;

    public sealed record ResumeAccount(SubscriberId SubscriberId, string IdempotencyKey) : ISubscriberCommand;

    /// <summary>Final: a closed account refuses every command and answers queries only.</summary>
    public sealed record CloseAccount(SubscriberId SubscriberId, string IdempotencyKey, string? Reason) : ISubscriberCommand;

    public sealed record ChangeLimits(SubscriberId SubscriberId, string IdempotencyKey, SubscriberLimits Limits) : ISubscriberCommand;

    public sealed record RegisterDevice(SubscriberId SubscriberId, string IdempotencyKey, string DeviceId, DeviceKind Kind, string? Mac, string? Serial, string? Name)
        : ISubscriberCommand;

    public sealed record RemoveDevice(SubscriberId SubscriberId, string IdempotencyKey, string DeviceId) : ISubscriberCommand;

    /// <summary>
    /// Orders a product from <paramref name="From"/> (null: when processed) until <paramref name="Until"/> (null: open-ended, or
    /// the validity of a TVOD title). <paramref name="Product"/> is the catalog's definition, filled in by the service; the
    /// idempotency fingerprint covers what the BOSS asked, not it.
    /// </summary>
    public sealed record OrderProduct(SubscriberId SubscriberId, string IdempotencyKey, ProductId ProductId, DateTimeOffset? From, DateTimeOffset? Until,
        ProductDefinition? Product) : ISubscriberCommand;

    /// <summary>Ends the product's order in force (or scheduled) at <paramref name="EffectiveAt"/> (null: when processed).</summary>
    public sealed record CancelProduct(SubscriberId SubscriberId, string IdempotencyKey, ProductId ProductId, DateTimeOffset? EffectiveAt) : ISubscriberCommand;
}

/// <summary>Queries a subscriber entity answers without changing state.</summary>
public static class SubscriberQueries
{
    public sealed record GetSubscriber(SubscriberId SubscriberId) : IWithSubscriberId, IInspurMessage;

    /// <summary>May the subscriber watch the live channel at the instant? Playback authorisation asks this.</summary>
    public sealed record Authorize(SubscriberId SubscriberId, ChannelId ChannelId, DateTimeOffset At) : IWithSubscriberId, IInspurMessage;

    /// <summary>What sign-in needs to decide off the entity's message loop: the credential hashes, status, devices and limits.</summary>
    public sealed record GetSignIn(SubscriberId SubscriberId) : IWithSubscriberId, IInspurMessage;

    /// <summary>May a token issued at <paramref name="IssuedAt"/> for the device still act for the account?</summary>
    public sealed record CheckAccess(SubscriberId SubscriberId, string DeviceId, DateTimeOffset IssuedAt) : IWithSubscriberId, IInspurMessage;

    /// <summary>What the account's orders grant at the instant (<see cref="Entitlements"/>), or NotFound for an unknown account.</summary>
    public sealed record GetEntitlements(SubscriberId SubscriberId, DateTimeOffset At) : IWithSubscriberId, IInspurMessage;
}

/// <summary>Facts a subscriber entity persists, tagged <see cref="Tag"/>; each remembers the request that caused it.</summary>
public static class SubscriberEvents
{
    public const string Tag = "subscriber";

    public interface ISubscriberEvent : IWithSubscriberId, IInspurMessage
    {
        string IdempotencyKey { get; }

        string Fingerprint { get; }

        DateTimeOffset At { get; }
    }

    public sealed record AccountOpened(SubscriberId SubscriberId, string Name, SubscriberLimits Limits, string IdempotencyKey, string Fingerprint, DateTimeOffset At)
        : ISubscriberEvent
    {
        public CredentialHash? Password { get; init; }

        public CredentialHash? Pin { get; init; }
    }

    /// <summary>The password and/or PIN hash replaced; a null one is unchanged.</summary>
    public sealed record CredentialsSet(SubscriberId SubscriberId, CredentialHash? Password, CredentialHash? Pin, string IdempotencyKey, string Fingerprint, DateTimeOffset At)
        : ISubscriberEvent;

    /// <summary>Access tokens issued before <see cref="At"/> (in its second or earlier) are refused.</summary>
    public sealed record TokensRevoked(SubscriberId SubscriberId, string Reason, string IdempotencyKey, string Fingerprint, DateTimeOffset At) : ISubscriberEvent;

    public sealed record AccountSuspended(SubscriberId SubscriberId, string Reason, string IdempotencyKey, string Fingerprint, DateTimeOffset At) : ISubscriberEvent;

    public sealed record AccountResumed(SubscriberId SubscriberId, string IdempotencyKey, string Fingerprint, DateTimeOffset At) : ISubscriberEvent;

    public sealed record AccountClosed(SubscriberId SubscriberId, string? Reason, string IdempotencyKey, string Fingerprint, DateTimeOffset At) : ISubscriberEvent;

    public sealed record LimitsChanged(SubscriberId SubscriberId, SubscriberLimits Limits, string IdempotencyKey, string Fingerprint, DateTimeOffset At)
        : ISubscriberEvent;

    public sealed record DeviceRegistered(SubscriberId SubscriberId, Device Device, string IdempotencyKey, string Fingerprint, DateTimeOffset At) : ISubscriberEvent;

    public sealed record DeviceRemoved(SubscriberId SubscriberId, string DeviceId, string IdempotencyKey, string Fingerprint, DateTimeOffset At) : ISubscriberEvent;

    public sealed record ProductOrdered(SubscriberId SubscriberId, Order Order, string IdempotencyKey, string Fingerprint, DateTimeOffset At) : ISubscriberEvent;

    /// <summary>The order of the product that was in force (or scheduled) at <paramref name="EffectiveAt"/> ends then.</summary>
    public sealed record ProductCancelled(SubscriberId SubscriberId, ProductId ProductId, DateTimeOffset EffectiveAt, string IdempotencyKey, string Fingerprint,
        DateTimeOffset At) : ISubscriberEvent;
}

/// <summary>What a subscriber entity answers.</summary>
public static class SubscriberReplies
{
    public interface ISubscriberReply : IInspurMessage;

    /// <summary>What an accepted command produced: the version it brought the account to, and when. A retry with the same key answers the same receipt.</summary>
    public sealed record SubscriberReceipt(SubscriberId SubscriberId, long Version, DateTimeOffset At, bool Replayed) : ISubscriberReply;

    public sealed record SubscriberView(SubscriberId SubscriberId, string Name, SubscriberStatus Status, SubscriberLimits Limits, IReadOnlyList<Device> Devices,
        IReadOnlyList<Order> Orders, long Version, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt) : ISubscriberReply
    {
        /// <summary>Why the account is suspended or closed.</summary>
        public string? StatusReason { get; init; }
    }

    public sealed record SubscriberRejected(SubscriberId SubscriberId, SubscriberRejection Reason, string Message) : ISubscriberReply;

    /// <summary>
    /// The answer to <see cref="SubscriberQueries.GetSignIn"/>; <see cref="Exists"/> false for an unknown account (then nothing else
    /// is meaningful). <see cref="TokensValidFrom"/> lets the signer issue a token the revocation check accepts.
    /// </summary>
    public sealed record SignInFacts(SubscriberId SubscriberId, bool Exists, SubscriberStatus Status, CredentialHash? Password, CredentialHash? Pin,
        IReadOnlyList<Device> Devices, int DeviceLimit, DateTimeOffset? TokensValidFrom) : ISubscriberReply;

    /// <summary>The answer to <see cref="SubscriberQueries.CheckAccess"/>: null when the token may act.</summary>
    public sealed record AccessCheck(SubscriberId SubscriberId, AccessDenial? Denial) : ISubscriberReply;

    /// <summary>The answer to <see cref="SubscriberQueries.Authorize"/>: allowed (and by which product), or why not.</summary>
    public sealed record Authorization(SubscriberId SubscriberId, ChannelId ChannelId, DateTimeOffset At, AuthorizationDenial? Denial) : ISubscriberReply
    {
        public bool Allowed => Denial is null;

        /// <summary>The product that entitles, when allowed.</summary>
        public ProductId? Via { get; init; }

        /// <summary>The account's concurrent-stream limit (0 for an unknown account), for the session check.</summary>
        public int StreamLimit { get; init; }
    }
}

/// <summary>Why playback of a channel is not authorised.</summary>
public enum AuthorizationDenial
{
    UnknownSubscriber,
    Suspended,
    Closed,
    NotEntitled,
}

/// <summary>Why a signed, unexpired access token may not act for its account now.</summary>
public enum AccessDenial
{
    /// <summary>No such account (401).</summary>
    UnknownSubscriber,

    /// <summary>The account's tokens were revoked after this one was issued (401, sign in again).</summary>
    TokenRevoked,

    /// <summary>The device the token was issued to is no longer registered (401).</summary>
    DeviceRemoved,

    /// <summary>The account is suspended (403).</summary>
    Suspended,

    /// <summary>The account is closed (403).</summary>
    Closed,
}

/// <summary>Why a subscriber or product command was refused; the REST layer maps each to an HTTP status.</summary>
public enum SubscriberRejection
{
    /// <summary>The subscriber, device or product does not exist (404).</summary>
    NotFound,

    /// <summary>An account with this id exists already (409).</summary>
    AlreadyExists,

    /// <summary>A field is missing or malformed (400).</summary>
    Invalid,

    /// <summary>The account's state forbids it: closed, already suspended, ordered twice, never ordered, over a limit (409).</summary>
    Conflict,

    /// <summary>The idempotency key was accepted before for a different request (422).</summary>
    IdempotencyMismatch,
}
