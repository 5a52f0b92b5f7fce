using System.Globalization;
using System.Text.RegularExpressions;
using Inspur.Domain.Channels;
using static Inspur.Domain.Subscribers.SubscriberCommands;
using static Inspur.Domain.Subscribers.SubscriberEvents;
using static Inspur.Domain.Subscribers.SubscriberReplies;

namespace Inspur.Domain.Subscribers;

/// <summary>What <see cref="SubscriberState.Process"/> decided: events to persist, or a reply (a replayed receipt or a refusal) and nothing to persist.</summary>
public sealed record SubscriberDecision(IReadOnlyList<ISubscriberEvent> Events, ISubscriberReply? Reply);

/// <summary>
/// Pure state of one subscriber account: status, limits, devices, orders and the idempotency keys it accepted.
/// <see cref="Process"/> decides, <see cref="Apply"/> changes, <see cref="Entitles"/> answers playback; no Akka in here.
/// Sign-in credentials are kept only as <see cref="CredentialHash"/>es; <see cref="TokensValidFrom"/> revokes older access tokens.
/// </summary>
public sealed partial record SubscriberState(SubscriberId SubscriberId, string? Name, SubscriberStatus Status, SubscriberLimits Limits,
    IReadOnlyList<Device> Devices, IReadOnlyList<Order> Orders, IdempotencyLog Log, long Version, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt) : IInspurMessage
{
    public const int MaxNameLength = 200;
    public const int MaxReasonLength = 500;
    public const int MaxDeviceIdLength = 64;
    public const int MaxOrders = 10_000;

    public string? StatusReason { get; init; }

    public CredentialHash? Password { get; init; }

    public CredentialHash? Pin { get; init; }

    /// <summary>Access tokens issued (in whole Unix seconds) before this are refused; the whole second after the last revocation (see <see cref="ValidFromAfter"/>).</summary>
    public DateTimeOffset? TokensValidFrom { get; init; }

    public static SubscriberState Empty(SubscriberId id) =>
        new(id, null, SubscriberStatus.Active, new SubscriberLimits(1, 1), [], [], IdempotencyLog.Empty, 0, default, default);

    public bool Exists => Name is not null;

    public SubscriberDecision Process(ISubscriberCommand command, DateTimeOffset now)
    {
        if (command.SubscriberId != SubscriberId) return Reject(SubscriberRejection.Invalid, $"command for '{command.SubscriberId}' sent to subscriber '{SubscriberId}'");
        if (!IdempotencyLog.IsValidKey(command.IdempotencyKey)) return Reject(SubscriberRejection.Invalid, "the idempotency key must be 1-100 visible ASCII characters");
        var fingerprint = Fingerprint(command);
        if (Log.Find(command.IdempotencyKey) is { } seen)
            return seen.Fingerprint == fingerprint
                ? new([], new SubscriberReceipt(SubscriberId, seen.Version, seen.At, true))
                : Reject(SubscriberRejection.IdempotencyMismatch, $"idempotency key '{command.IdempotencyKey}' was used for a different request");

        if (command is OpenAccount open)
        {
            if (ValidateName(open.Name, "name") is { } bad) return Reject(SubscriberRejection.Invalid, bad);
            if (SubscriberLimits.Validate(open.Limits) is { } limits) return Reject(SubscriberRejection.Invalid, limits.Message);
            return Exists
                ? Reject(SubscriberRejection.AlreadyExists, $"subscriber '{SubscriberId}' already exists")
                : Accept(new AccountOpened(SubscriberId, open.Name, open.Limits, open.IdempotencyKey, fingerprint, now) { Password = open.Password, Pin = open.Pin });
        }

        if (!Exists) return Reject(SubscriberRejection.NotFound, $"subscriber '{SubscriberId}' does not exist");
        if (Status == SubscriberStatus.Closed) return Reject(SubscriberRejection.Conflict, $"subscriber '{SubscriberId}' is closed");
        var key = command.IdempotencyKey;
        return command switch
        {
            SuspendAccount s when ValidateName(s.Reason, "reason", MaxReasonLength) is { } bad => Reject(SubscriberRejection.Invalid, bad),
            SuspendAccount when Status == SubscriberStatus.Suspended => Reject(SubscriberRejection.Conflict, $"subscriber '{SubscriberId}' is already suspended"),
            SuspendAccount s => Accept(new AccountSuspended(SubscriberId, s.Reason, key, fingerprint, now)),
            ResumeAccount when Status != SubscriberStatus.Suspended => Reject(SubscriberRejection.Conflict, $"subscriber '{SubscriberId}' is not suspended"),
            ResumeAccount => Accept(new AccountResumed(SubscriberId, key, fingerprint, now)),
            CloseAccount c when c.Reason is not null && ValidateName(c.Reason, "reason", MaxReasonLength) is { } bad => Reject(SubscriberRejection.Invalid, bad),
            CloseAccount c => Accept(new AccountClosed(SubscriberId, c.Reason, key, fingerprint, now)),
            ChangeLimits l when SubscriberLimits.Validate(l.Limits) is { } bad => Reject(SubscriberRejection.Invalid, bad.Message),
            ChangeLimits l when l.Limits.Devices < Devices.Count =>
                Reject(SubscriberRejection.Conflict, $"{Devices.Count} devices are registered; remove some before lowering the limit to {l.Limits.Devices}"),
            ChangeLimits l => Accept(new LimitsChanged(SubscriberId, l.Limits, key, fingerprint, now)),
            RegisterDevice d => Register(d, fingerprint, now),
            RemoveDevice r when Devices.All(d => d.DeviceId != r.DeviceId) =>
                Reject(SubscriberRejection.NotFound, $"subscriber '{SubscriberId}' has no device '{Cut(r.DeviceId, 80)}'"),
            RemoveDevice r => Accept(new DeviceRemoved(SubscriberId, r.DeviceId, key, fingerprint, now)),
            OrderProduct o => Place(o, fingerprint, now),
            CancelProduct c => Cancel(c, fingerprint, now),
            SetCredentials { Password: null, Pin: null } => Reject(SubscriberRejection.Invalid, "set a password, a pin or both"),
            SetCredentials c => Accept(new CredentialsSet(SubscriberId, c.Password, c.Pin, key, fingerprint, now)),
            RevokeTokens r when ValidateName(r.Reason, "reason", MaxReasonLength) is { } bad => Reject(SubscriberRejection.Invalid, bad),
            RevokeTokens r => Accept(new TokensRevoked(SubscriberId, r.Reason, key, fingerprint, now)),
            _ => Reject(SubscriberRejection.Invalid, $"unknown command {command.GetType().Name}"),
        };
    }

    public SubscriberState Apply(ISubscriberEvent evt)
    {
        var next = evt switch
        {
            AccountOpened o => this with { Name = o.Name, Limits = o.Limits, Status = SubscriberStatus.Active, CreatedAt = o.At, Password = o.Password, Pin = o.Pin },
            CredentialsSet c => this with { Password = c.Password ?? Password, Pin = c.Pin ?? Pin },
            TokensRevoked r => this with { TokensValidFrom = ValidFromAfter(r.At) },
            AccountSuspended s => this with { Status = SubscriberStatus.Suspended, StatusReason = s.Reason },
            AccountResumed => this with { Status = SubscriberStatus.Active, StatusReason = null },
            AccountClosed c => this with { Status = SubscriberStatus.Closed, StatusReason = c.Reason ?? "closed" },
            LimitsChanged l => this with { Limits = l.Limits },
            DeviceRegistered d => this with { Devices = [.. Devices, d.Device] },
            DeviceRemoved r => this with { Devices = Devices.Where(d => d.DeviceId != r.DeviceId).ToList() },
            ProductOrdered o => this with { Orders = [.. Orders, o.Order] },
            ProductCancelled c when CancellableOrder(c.ProductId, c.EffectiveAt) is { } ending =>
                this with { Orders = Orders.Select(o => ReferenceEquals(o, ending) ? Ended(o, c) : o).ToList() },
            _ => this,
        };
        var version = Version + 1;
        return next with { Version = version, UpdatedAt = evt.At, Log = Log.Add(new ProcessedRequest(evt.IdempotencyKey, evt.Fingerprint, version, evt.At)) };
    }

    /// <summary>The receipt of an accepted key, once its event is applied; the same a retry of it answers, but for <c>Replayed</c>.</summary>
    public SubscriberReceipt ReceiptFor(string key) =>
        Log.Find(key) is { } seen ? new(SubscriberId, seen.Version, seen.At, false) : throw new InvalidOperationException($"key '{key}' was not applied");

    /// <summary>The order that entitles the subscriber to watch the live channel at the instant (through a package), if any; status is not considered.</summary>
    public Order? Entitles(ChannelId channel, DateTimeOffset at) =>
        Orders.FirstOrDefault(o => o.ActiveAt(at) && o.Product.Kind == ProductKind.Package && o.Product.Channels.Contains(channel));

    /// <summary>Playback authorisation at an instant: the account must exist, be active, and hold an order entitling to the channel.</summary>
    public Authorization Authorize(ChannelId channel, DateTimeOffset at)
    {
        AuthorizationDenial? denial = !Exists ? AuthorizationDenial.UnknownSubscriber
            : Status == SubscriberStatus.Closed ? AuthorizationDenial.Closed
            : Status == SubscriberStatus.Suspended ? AuthorizationDenial.Suspended
            : null;
        var via = denial is null ? Entitles(channel, at) : null;
        if (denial is null && via is null) denial = AuthorizationDenial.NotEntitled;
        return new Authorization(SubscriberId, channel, at, denial) { Via = via?.ProductId, StreamLimit = Exists ? Limits.Streams : 0 };
    }

    /// <summary>What sign-in checks, handed out so the hashing happens off the entity's message loop.</summary>
    public SignInFacts SignIn() => new(SubscriberId, Exists, Status, Password, Pin, Devices, Limits.Devices, TokensValidFrom);

    /// <summary>
    /// Null when a token issued at <paramref name="issuedAt"/> for the device may act: the account exists, is active, still has the
    /// device, and the token (compared in whole Unix seconds, as tokens carry them) is not older than <see cref="TokensValidFrom"/>.
    /// </summary>
    public AccessDenial? CheckAccess(string deviceId, DateTimeOffset issuedAt) =>
        !Exists ? AccessDenial.UnknownSubscriber
        : Status == SubscriberStatus.Closed ? AccessDenial.Closed
        : Status == SubscriberStatus.Suspended ? AccessDenial.Suspended
        : TokensValidFrom is { } from && issuedAt.ToUnixTimeSeconds() < from.ToUnixTimeSeconds() ? AccessDenial.TokenRevoked
        : Devices.All(d => d.DeviceId != deviceId) ? AccessDenial.DeviceRemoved
        : null;

    /// <summary>
    /// The whole second from which tokens are accepted after a revocation at <paramref name="at"/>: the next one (a token says
    /// its second, so one issued in the revocation's second is refused), and always past the previous one, because sign-in
    /// issues tokens no earlier than it (<see cref="SignInFacts.TokensValidFrom"/>) and those must die with the next revocation.
    /// </summary>
    public DateTimeOffset ValidFromAfter(DateTimeOffset at)
    {
        var next = DateTimeOffset.FromUnixTimeSeconds(at.ToUnixTimeSeconds() + 1);
        return TokensValidFrom is { } previous && previous >= next ? previous.AddSeconds(1) : next;
    }

    /// <summary>Null for an account that was never opened.</summary>
    public SubscriberView? View() => Name is null
        ? null
        : new SubscriberView(SubscriberId, Name, Status, Limits, Devices, Orders, Version, CreatedAt, UpdatedAt) { StatusReason = StatusReason };

    /// <summary>The state a read model keeps from a view a node observed (without the idempotency keys).</summary>
    public static SubscriberState From(SubscriberView v) =>
        new(v.SubscriberId, v.Name, v.Status, v.Limits, v.Devices, v.Orders, IdempotencyLog.Empty, v.Version, v.CreatedAt, v.UpdatedAt) { StatusReason = v.StatusReason };

    /// <summary>What the request asked, in a fixed order; the product definition the service attached to an order is not part of it.</summary>
    public static string Fingerprint(ISubscriberCommand command) => command switch
    {
        OpenAccount { Password: null, Pin: null } o => IdempotencyLog.Fingerprint("open", o.SubscriberId.Value, o.Name, Number(o.Limits?.Devices), Number(o.Limits?.Streams)),
        OpenAccount o => IdempotencyLog.Fingerprint("open", o.SubscriberId.Value, o.Name, Number(o.Limits?.Devices), Number(o.Limits?.Streams),
            Given(o.Password), Given(o.Pin)),
        SetCredentials c => IdempotencyLog.Fingerprint("credentials", c.SubscriberId.Value, Given(c.Password), Given(c.Pin)),
        RevokeTokens r => IdempotencyLog.Fingerprint("revoke-tokens", r.SubscriberId.Value, r.Reason),
        SuspendAccount s => IdempotencyLog.Fingerprint("suspend", s.SubscriberId.Value, s.Reason),
        ResumeAccount r => IdempotencyLog.Fingerprint("resume", r.SubscriberId.Value),
        CloseAccount c => IdempotencyLog.Fingerprint("close", c.SubscriberId.Value, c.Reason),
        ChangeLimits l => IdempotencyLog.Fingerprint("limits", l.SubscriberId.Value, Number(l.Limits?.Devices), Number(l.Limits?.Streams)),
        RegisterDevice d => IdempotencyLog.Fingerprint("register-device", d.SubscriberId.Value, d.DeviceId, d.Kind.ToString(), d.Mac, d.Serial, d.Name),
        RemoveDevice r => IdempotencyLog.Fingerprint("remove-device", r.SubscriberId.Value, r.DeviceId),
        OrderProduct o => IdempotencyLog.Fingerprint("order", o.SubscriberId.Value, o.ProductId.Value, Time(o.From), Time(o.Until)),
        CancelProduct c => IdempotencyLog.Fingerprint("cancel", c.SubscriberId.Value, c.ProductId.Value, Time(c.EffectiveAt)),
        _ => IdempotencyLog.Fingerprint(command.GetType().Name, command.SubscriberId.Value),
    };

    /// <summary>A MAC as the entity keeps it (lower case, colons), or null when it is not one.</summary>
    public static string? NormalizeMac(string? mac) =>
        mac is not null && MacPattern().IsMatch(mac) ? mac.Replace('-', ':').ToLowerInvariant() : null;

    public static bool IsValidDeviceId(string? id) => id is not null && DeviceIdPattern().IsMatch(id);

    private SubscriberDecision Register(RegisterDevice d, string fingerprint, DateTimeOffset now)
    {
        if (!IsValidDeviceId(d.DeviceId)) return Reject(SubscriberRejection.Invalid, $"deviceId must be 1-{MaxDeviceIdLength} letters, digits, '.', '_', ':' or '-'");
        if (!Enum.IsDefined(d.Kind)) return Reject(SubscriberRejection.Invalid, "kind must be stb, phone, tablet or browser");
        var mac = d.Mac is null ? null : NormalizeMac(d.Mac);
        if (d.Mac is not null && mac is null) return Reject(SubscriberRejection.Invalid, "mac must be six hex pairs such as 00:1a:2b:3c:4d:5e");
        if (d.Serial is not null && (d.Serial.Length is 0 or > MaxDeviceIdLength || d.Serial.Any(c => char.IsControl(c) || char.IsWhiteSpace(c))))
            return Reject(SubscriberRejection.Invalid, $"serial must be 1-{MaxDeviceIdLength} characters without spaces");
        if (d.Kind == DeviceKind.Stb && mac is null && d.Serial is null) return Reject(SubscriberRejection.Invalid, "a set-top box needs its mac or serial");
        if (d.Kind != DeviceKind.Stb && (d.Mac is not null || d.Serial is not null)) return Reject(SubscriberRejection.Invalid, "mac and serial are for set-top boxes");
        if (d.Name is not null && ValidateName(d.Name, "name") is { } bad) return Reject(SubscriberRejection.Invalid, bad);
        if (Devices.Any(x => x.DeviceId == d.DeviceId)) return Reject(SubscriberRejection.Conflict, $"device '{d.DeviceId}' is already registered");
        if (mac is not null && Devices.Any(x => x.Mac == mac)) return Reject(SubscriberRejection.Conflict, $"a set-top box with mac {mac} is already registered");
        if (d.Serial is not null && Devices.Any(x => x.Serial == d.Serial))
            return Reject(SubscriberRejection.Conflict, $"a set-top box with serial '{d.Serial}' is already registered");
        if (Devices.Count >= Limits.Devices) return Reject(SubscriberRejection.Conflict, $"the device limit of {Limits.Devices} is reached");
        var device = new Device(d.DeviceId, d.Kind, now) { Mac = mac, Serial = d.Serial, Name = d.Name };
        return Accept(new DeviceRegistered(SubscriberId, device, d.IdempotencyKey, fingerprint, now));
    }

    private SubscriberDecision Place(OrderProduct o, string fingerprint, DateTimeOffset now)
    {
        if (o.Product is not { } product) return Reject(SubscriberRejection.NotFound, $"product '{o.ProductId}' does not exist");
        var from = o.From ?? now;
        DateTimeOffset? until = o.Until ?? (product is { Kind: ProductKind.Tvod, ValidityHours: { } hours } ? from.AddHours(hours) : null);
        if (until is { } end && end <= from) return Reject(SubscriberRejection.Invalid, $"until ({end.UtcDateTime:O}) must be after from ({from.UtcDateTime:O})");
        if (Orders.Any(x => x.ProductId == o.ProductId && x.Overlaps(from, until)))
            return Reject(SubscriberRejection.Conflict, $"product '{o.ProductId}' is already ordered for that time");
        if (Orders.Count >= MaxOrders) return Reject(SubscriberRejection.Conflict, $"an account holds at most {MaxOrders} orders");
        return Accept(new ProductOrdered(SubscriberId, new Order(o.ProductId, product, from, until, now), o.IdempotencyKey, fingerprint, now));
    }

    private SubscriberDecision Cancel(CancelProduct c, string fingerprint, DateTimeOffset now)
    {
        var at = c.EffectiveAt ?? now;
        if (Orders.All(o => o.ProductId != c.ProductId)) return Reject(SubscriberRejection.Conflict, $"product '{c.ProductId}' was never ordered");
        return CancellableOrder(c.ProductId, at) is null
            ? Reject(SubscriberRejection.Conflict, $"product '{c.ProductId}' has no order in force or scheduled at {at.UtcDateTime:O}")
            : Accept(new ProductCancelled(SubscriberId, c.ProductId, at, c.IdempotencyKey, fingerprint, now));
    }

    /// <summary>The order of the product that has not ended by <paramref name="at"/>: in force then, or the first scheduled after it.</summary>
    private Order? CancellableOrder(ProductId product, DateTimeOffset at) =>
        Orders.Where(o => o.ProductId == product && (o.Until is null || at < o.Until)).OrderBy(o => o.From).FirstOrDefault();

    private static Order Ended(Order o, ProductCancelled c) => o with { Until = c.EffectiveAt > o.From ? c.EffectiveAt : o.From, CancelledAt = c.At };

    private static string? ValidateName(string? value, string field, int max = MaxNameLength) =>
        string.IsNullOrWhiteSpace(value) || value.Length > max || value.Any(char.IsControl)
            ? $"{field} must be 1-{max} characters without control characters"
            : null;

    /// <summary>
    /// A credential enters a fingerprint only as "given or not": its hash is salted afresh on every try, and a fast digest of
    /// the secret would be a weaker copy of it. So a key reused with another password of the same shape replays the first answer.
    /// </summary>
    private static string Given(CredentialHash? credential) => credential is null ? "-" : "set";

    private static string? Number(int? value) => value?.ToString(CultureInfo.InvariantCulture);

    private static string? Time(DateTimeOffset? value) => value?.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    private static string Cut(string value, int max) => value.Length <= max ? value : value[..max] + "…";

    private SubscriberDecision Reject(SubscriberRejection reason, string message) => new([], new SubscriberRejected(SubscriberId, reason, message));

    private static SubscriberDecision Accept(ISubscriberEvent evt) => new([evt], null);

    [GeneratedRegex("^[0-9A-Fa-f]{2}([:-][0-9A-Fa-f]{2}){5}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex MacPattern();

    [GeneratedRegex("^[A-Za-z0-9._:-]{1,64}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex DeviceIdPattern();
}
