using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Akka.Actor;
using Inspur.Actors.Subscribers;
using Inspur.Domain.Subscribers;
using Inspur.Host.Auth;
using static Inspur.Domain.Subscribers.SubscriberCommands;
using static Inspur.Domain.Subscribers.SubscriberReplies;

namespace Inspur.Host.Api;

/// <summary>
/// Subscriber sign-in <c>/api/v1/auth</c>: account + password or PIN on a device gives a bearer access token; sign-out revokes
/// the account's tokens; <c>me</c> answers who the token acts for, asking the subscriber entity whether it still may.
/// </summary>
public static class AuthApi
{
    public const string Route = "/api/v1/auth";

    private static readonly string[] SignInFields = ["account", "password", "pin", "device"];
    private static readonly string[] DeviceFields = ["id", "kind", "mac", "serial", "name"];

    /// <summary>Checked when the account or its credential is unknown, so a miss costs what a hit costs.</summary>
    private static readonly Lazy<CredentialHash> Decoy = new(() => CredentialHash.Create(Convert.ToBase64String(RandomNumberGenerator.GetBytes(16))));

    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder app)
    {
        _ = Decoy.Value;
        var group = app.MapGroup(Route).WithTags("auth");
        group.MapPost("/sign-in", SignIn);
        group.MapPost("/sign-out", SignOut);
        group.MapGet("/me", Me);
        return app;
    }

    private static async Task<IResult> SignIn(HttpContext http, ISubscriberService service, AuthSettings settings, SignInThrottle throttle, TimeProvider clock,
        CancellationToken ct)
    {
        var (body, error) = await JsonBody.ReadAsync(http.Request, ct);
        if (error is not null) return error;
        var errors = new Dictionary<string, string[]>();
        JsonBody.RejectUnknown(body, SignInFields, errors);
        var account = JsonBody.RequiredString(body, "account", errors);
        if (account is not null && !SubscriberId.IsValid(account)) errors["account"] = ["account must be 1-64 lower-case letters, digits or dashes"];
        var password = JsonBody.OptionalString(body, "password", errors, "a string");
        var pin = JsonBody.OptionalString(body, "pin", errors, "a string");
        if (password is null == pin is null && !errors.ContainsKey("password") && !errors.ContainsKey("pin"))
            errors["password"] = ["send either password or pin"];
        var device = ReadDevice(body, errors);
        if (errors.Count > 0 || device is null) return Results.ValidationProblem(errors);

        return await Guard(async () =>
        {
            if (await throttle.AttemptAsync(account!, ct) is { } retryAfter)
            {
                var seconds = RetryAfter.Set(http, retryAfter);
                return Problem(StatusCodes.Status429TooManyRequests, "Too many failed sign-ins",
                    $"{SignInThrottle.MaxFailures} failed sign-ins within {SignInThrottle.Window.TotalMinutes:0} minutes; retry after {seconds} s");
            }

            var id = new SubscriberId(account!);
            var facts = await service.GetSignInAsync(id, ct);
            var stored = facts.Exists ? password is not null ? facts.Password : facts.Pin : null;
            var matches = (stored ?? Decoy.Value).Matches(password ?? pin!) && stored is not null;
            // A wrong guess was counted by the attempt already.
            if (!matches)
            {
                return SubscriberAuthentication.Unauthorized(http, "Sign-in failed", "the account, password or pin is wrong", "invalid_grant");
            }

            throttle.Succeeded(account!);
            if (facts.Status != SubscriberStatus.Active) return Inactive(facts.Status);
            if (facts.Devices.FirstOrDefault(d => d.DeviceId == device.DeviceId) is not { } known)
            {
                if (await service.ExecuteAsync(device with { SubscriberId = id, IdempotencyKey = $"sign-in-{Guid.NewGuid():N}" }, ct) is SubscriberRejected refused)
                {
                    facts = await service.GetSignInAsync(id, ct);
                    // Another sign-in of the same device may have registered it a moment ago.
                    if (facts.Devices.All(d => d.DeviceId != device.DeviceId))
                        return refused.Reason == SubscriberRejection.Invalid
                            ? Problem(StatusCodes.Status400BadRequest, "Invalid device", refused.Message)
                            : Problem(StatusCodes.Status409Conflict, "Device not registered", refused.Message);
                }
                else
                {
                    facts = await service.GetSignInAsync(id, ct);
                }

                known = facts.Devices.FirstOrDefault(d => d.DeviceId == device.DeviceId);
                if (known is null) return Problem(StatusCodes.Status409Conflict, "Device not registered", $"device '{device.DeviceId}' was removed meanwhile");
            }
            else if (known.Kind != device.Kind)
            {
                return Problem(StatusCodes.Status409Conflict, "Device kind differs",
                    $"device '{known.DeviceId}' is registered as a {ProductDto.Lower(known.Kind)}, not a {ProductDto.Lower(device.Kind)}");
            }

            return await IssueAsync(service, settings, clock, facts, known, ct);
        });
    }

    /// <summary>The access token for the device of the account (sign-in and device activation answer it alike).</summary>
    internal static async Task<IResult> IssueAsync(ISubscriberService service, AuthSettings settings, TimeProvider clock, SignInFacts facts, Device device,
        CancellationToken ct)
    {
        // Never before the last revocation: a token signed in the second of a sign-out must still count as newer.
        var issued = DateTimeOffset.FromUnixTimeSeconds(clock.GetUtcNow().ToUnixTimeSeconds());
        if (facts.TokensValidFrom is { } validFrom && validFrom > issued) issued = validFrom;
        var claims = new SubscriberClaims(facts.SubscriberId, device.DeviceId, issued, issued + settings.TokenLifetime);
        var view = await service.GetAsync(facts.SubscriberId, ct) as SubscriberView;
        return Results.Ok(new SignInDto(SubscriberToken.Sign(claims, settings.Keys), "Bearer", claims.ExpiresAt,
            view is null ? null : AccountDto.Of(view, clock.GetUtcNow()), DeviceDto.Of(device)));
    }

    private static async Task<IResult> SignOut(HttpContext http, ISubscriberService service, AuthSettings settings, TimeProvider clock, CancellationToken ct)
    {
        if (!SubscriberAuthentication.TryAuthenticate(http, settings, clock.GetUtcNow(), out var claims, out var problem)) return problem;
        return await Guard(async () =>
        {
            var denial = await service.CheckAccessAsync(claims, ct);
            if (denial is AccessDenial.TokenRevoked or AccessDenial.Closed) return Results.NoContent(); // already signed out; nothing to persist
            if (denial is AccessDenial.UnknownSubscriber or AccessDenial.DeviceRemoved) return Denied(http, denial.Value);

            // One key per token: signing out twice with it is one revocation.
            var token = http.Request.Headers.Authorization.ToString()["Bearer ".Length..].Trim();
            var key = "sign-out-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)))[..40];
            return await service.ExecuteAsync(new RevokeTokens(claims.SubscriberId, key, $"signed out on {claims.DeviceId}"), ct) switch
            {
                SubscriberReceipt => Results.NoContent(),
                SubscriberRejected r => Problem(StatusCodes.Status409Conflict, "Sign-out refused", r.Message),
                var other => Problem(StatusCodes.Status500InternalServerError, "Unexpected reply", $"unexpected reply {other.GetType().Name}"),
            };
        });
    }

    private static async Task<IResult> Me(HttpContext http, ISubscriberService service, AuthSettings settings, TimeProvider clock, CancellationToken ct)
    {
        if (!SubscriberAuthentication.TryAuthenticate(http, settings, clock.GetUtcNow(), out var claims, out var problem)) return problem;
        return await Guard(async () =>
        {
            if (await service.CheckAccessAsync(claims, ct) is { } denial) return Denied(http, denial);
            if (await service.GetAsync(claims.SubscriberId, ct) is not SubscriberView view) return Denied(http, AccessDenial.UnknownSubscriber);
            var device = view.Devices.FirstOrDefault(d => d.DeviceId == claims.DeviceId);
            return device is null
                ? Denied(http, AccessDenial.DeviceRemoved)
                : Results.Ok(new MeDto(AccountDto.Of(view, clock.GetUtcNow()), DeviceDto.Of(device), claims.IssuedAt, claims.ExpiresAt));
        });
    }

    /// <summary>Why a valid token may not act: 401 (sign in again) when it no longer stands for a device of a live account, 403 when the account is barred.</summary>
    public static IResult Denied(HttpContext http, AccessDenial denial) => denial switch
    {
        AccessDenial.Suspended => Problem(StatusCodes.Status403Forbidden, "Account suspended", "the account is suspended"),
        AccessDenial.Closed => Problem(StatusCodes.Status403Forbidden, "Account closed", "the account is closed"),
        AccessDenial.TokenRevoked => SubscriberAuthentication.Unauthorized(http, "Access token revoked", "the account's tokens were revoked; sign in again", "invalid_token"),
        AccessDenial.DeviceRemoved => SubscriberAuthentication.Unauthorized(http, "Device removed", "the token's device is no longer registered; sign in again", "invalid_token"),
        _ => SubscriberAuthentication.Unauthorized(http, "Unknown account", "the token's account does not exist", "invalid_token"),
    };

    internal static IResult Inactive(SubscriberStatus status) => status == SubscriberStatus.Suspended
        ? Problem(StatusCodes.Status403Forbidden, "Account suspended", "the account is suspended; contact your operator")
        : Problem(StatusCodes.Status403Forbidden, "Account closed", "the account is closed");

    /// <summary>The device the client signs in on, as a registration to make if the account does not have it yet.</summary>
    private static RegisterDevice? ReadDevice(JsonElement body, Dictionary<string, string[]> errors)
    {
        if (!body.TryGetProperty("device", out var device) || device.ValueKind == JsonValueKind.Null)
        {
            errors["device"] = ["device is required: {\"id\", \"kind\": \"stb|phone|tablet|browser\", \"mac\"?, \"serial\"?}"];
            return null;
        }

        if (device.ValueKind != JsonValueKind.Object)
        {
            errors["device"] = ["device must be an object"];
            return null;
        }

        var nested = new Dictionary<string, string[]>();
        var read = ReadDeviceFields(device, "id", nested);
        foreach (var (field, messages) in nested) errors[field.StartsWith("device.", StringComparison.Ordinal) ? field : "device." + field] = messages;
        return read is null ? null : new RegisterDevice(new SubscriberId("pending"), "pending", read.DeviceId, read.Kind, read.Mac, read.Serial, read.Name);
    }

    /// <summary>
    /// A device's fields (<paramref name="idField"/>, <c>kind</c>, <c>mac</c>?, <c>serial</c>?, <c>name</c>?) of <paramref name="element"/>, and
    /// no others, or null with every defect in <paramref name="errors"/> under its field's name.
    /// </summary>
    internal static ActivationDevice? ReadDeviceFields(JsonElement element, string idField, Dictionary<string, string[]> errors)
    {
        var before = errors.Count;
        JsonBody.RejectUnknown(element, [idField, .. DeviceFields.Skip(1)], errors);
        var id = JsonBody.RequiredString(element, idField, errors);
        if (id is not null && !SubscriberState.IsValidDeviceId(id)) errors[idField] = [$"{idField} must be 1-64 letters, digits, '.', '_', ':' or '-'"];
        var kindText = JsonBody.RequiredString(element, "kind", errors);
        DeviceKind kind = default;
        if (kindText is not null && !(Enum.TryParse(kindText, ignoreCase: true, out kind) && Enum.IsDefined(kind) && !kindText.Any(char.IsAsciiDigit)))
            errors["kind"] = ["kind must be stb, phone, tablet or browser"];
        var mac = JsonBody.OptionalString(element, "mac", errors, "a MAC address such as 00:1a:2b:3c:4d:5e");
        if (mac is not null && SubscriberState.NormalizeMac(mac) is null) errors["mac"] = ["mac must be six hex pairs such as 00:1a:2b:3c:4d:5e"];
        var serial = JsonBody.OptionalString(element, "serial", errors, "a string");
        var name = JsonBody.OptionalString(element, "name", errors, "a string");
        if (errors.Count == before && kind == DeviceKind.Stb && mac is null && serial is null) errors["mac"] = ["a set-top box needs its mac or serial"];
        if (errors.Count == before && kind != DeviceKind.Stb && (mac is not null || serial is not null)) errors["mac"] = ["mac and serial are for set-top boxes"];
        return errors.Count > before ? null : new ActivationDevice(id!, kind, mac, serial, name);
    }

    private static IResult Problem(int status, string title, string detail) => Results.Problem(detail, statusCode: status, title: title);

    private static Task<IResult> Guard(Func<Task<IResult>> action) =>
        ClusterTimeout.GuardAsync(action, "Subscriber service unavailable", "the subscriber service did not answer in time; retry later");
}

/// <summary>What sign-in answers: a bearer access token for the device, when it expires, and who it acts for.</summary>
public sealed record SignInDto(string AccessToken, string TokenType, DateTimeOffset ExpiresAt, AccountDto? Subscriber, DeviceDto Device);

/// <summary>What <c>GET /api/v1/auth/me</c> answers.</summary>
public sealed record MeDto(AccountDto Subscriber, DeviceDto Device, DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt);

/// <summary>An account as its subscriber sees it: no BOSS bookkeeping, the products in force now.</summary>
public sealed record AccountDto(string Id, string Name, string Status, int DeviceLimit, int StreamLimit, IReadOnlyList<string> Products, IReadOnlyList<DeviceDto> Devices)
{
    public static AccountDto Of(SubscriberView v, DateTimeOffset now) => new(v.SubscriberId.Value, v.Name, ProductDto.Lower(v.Status), v.Limits.Devices,
        v.Limits.Streams, v.Orders.Where(o => o.ActiveAt(now)).Select(o => o.ProductId.Value).Distinct().ToList(), v.Devices.Select(DeviceDto.Of).ToList());
}
