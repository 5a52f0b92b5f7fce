using Inspur.Actors.Subscribers;
using Inspur.Domain.Subscribers;
using Inspur.Host.Auth;
using static Inspur.Domain.Subscribers.ActivationProtocol;

namespace Inspur.Host.Api;

/// <summary>
/// Device activation by code (RFC 8628, adapted) under <c>/api/v1/auth/activation</c>: a set-top box asks for a short code and
/// a poll token, the subscriber signed in elsewhere (or the BOSS for them) confirms the code, which registers the box on the
/// account, and the box's next poll gets the same access token sign-in gives. Any node answers any step: the code's
/// <c>device-activation</c> entity holds the state, and the poll token carries the code.
/// </summary>
public static class ActivationApi
{
    internal static readonly string[] CodeFields = ["code"];
    private static readonly string[] PollFields = ["pollToken"];

    public static IEndpointRouteBuilder MapActivationApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(AuthApi.Route + "/activation").WithTags("auth");
        group.MapPost("", Begin);
        group.MapPost("/confirm", Confirm);
        group.MapPost("/token", Token);
        return app;
    }

    private static async Task<IResult> Begin(HttpContext http, IActivationService activations, AuthSettings settings, CancellationToken ct)
    {
        var (body, error) = await JsonBody.ReadAsync(http.Request, ct);
        if (error is not null) return error;
        var errors = new Dictionary<string, string[]>();
        var device = AuthApi.ReadDeviceFields(body, "deviceId", errors);
        if (device is not null && device.Kind != DeviceKind.Stb) errors["kind"] = ["activation by code is for set-top boxes (kind stb); other devices sign in"];
        if (errors.Count > 0 || device is null) return Results.ValidationProblem(errors);

        return await Guard(async () =>
        {
            BeginActivation begun;
            try
            {
                begun = await activations.BeginAsync(device, settings.ActivationLifetime, settings.ActivationInterval, ct);
            }
            catch (InvalidOperationException ex)
            {
                return Problem(StatusCodes.Status503ServiceUnavailable, "No activation code free", ex.Message, null);
            }

            var poll = ActivationPollToken.Sign(new ActivationPollClaims(begun.Code, begun.Nonce, begun.ExpiresAt), settings.Keys);
            var request = http.Request;
            return Results.Json(new ActivationDto(ActivationCode.Display(begun.Code), poll, (int)settings.ActivationLifetime.TotalSeconds,
                (int)Math.Ceiling(settings.ActivationInterval.TotalSeconds), $"{request.Scheme}://{request.Host}{AuthApi.Route}/activation/confirm", begun.ExpiresAt),
                statusCode: StatusCodes.Status201Created);
        });
    }

    private static async Task<IResult> Confirm(HttpContext http, IActivationService activations, ISubscriberService subscribers, SignInThrottle throttle,
        AuthSettings settings, TimeProvider clock, CancellationToken ct)
    {
        if (!SubscriberAuthentication.TryAuthenticate(http, settings, clock.GetUtcNow(), out var claims, out var unauthorized)) return unauthorized;
        var (code, invalid) = await ReadCodeAsync(http.Request, ct);
        if (invalid is not null) return invalid;
        return await Guard(async () =>
        {
            if (await subscribers.CheckAccessAsync(claims, ct) is { } denial) return AuthApi.Denied(http, denial);
            if (await throttle.ActivationAttemptAsync(claims.SubscriberId, ct) is { } wait)
            {
                var seconds = RetryAfter.Set(http, wait);
                return Problem(StatusCodes.Status429TooManyRequests, "Too many wrong codes", $"too many wrong activation codes; retry after {seconds} s", "slow_down");
            }

            var reply = await activations.ConfirmAsync(code!, claims.SubscriberId, null, ct);
            await throttle.ActivationResultAsync(claims.SubscriberId, reply is ActivationRefused { Reason: ActivationRefusal.Unknown }, ct);
            return Confirmed(http, reply);
        });
    }

    /// <summary><c>POST /api/boss/v1/subscribers/{id}/activations</c> {code}: an operator confirms a box's code for the account (mapped by the BOSS API, signed like it).</summary>
    public static async Task<IResult> BossConfirm(string id, HttpRequest request, IActivationService activations, CancellationToken ct)
    {
        if (!SubscriberId.IsValid(id)) return BossApi.InvalidId("id", id, "subscriber");
        var (key, keyError) = BossApi.IdempotencyKey(request);
        if (keyError is not null) return keyError;
        var (code, invalid) = await ReadCodeAsync(request, ct);
        if (invalid is not null) return invalid;
        return await Guard(async () => Confirmed(request.HttpContext, await activations.ConfirmAsync(code!, new SubscriberId(id), key, ct)));
    }

    private static async Task<IResult> Token(HttpContext http, IActivationService activations, ISubscriberService subscribers, AuthSettings settings,
        TimeProvider clock, CancellationToken ct)
    {
        var (body, error) = await JsonBody.ReadAsync(http.Request, ct);
        if (error is not null) return error;
        var errors = new Dictionary<string, string[]>();
        JsonBody.RejectUnknown(body, PollFields, errors);
        var token = JsonBody.RequiredString(body, "pollToken", errors);
        if (errors.Count > 0) return Results.ValidationProblem(errors);
        if (ActivationPollToken.Verify(token.AsSpan().Trim(), settings.Keys, out var reason) is not { } poll)
            return Problem(StatusCodes.Status400BadRequest, "Invalid poll token", $"pollToken: {reason}", "invalid_grant");
        if (clock.GetUtcNow() >= poll.ExpiresAt) return Expired($"the activation expired at {poll.ExpiresAt.UtcDateTime:O}; ask for a new code");

        return await Guard(async () => await activations.PollAsync(poll.Code, poll.Nonce, ct) switch
        {
            ActivationPending => Problem(StatusCodes.Status400BadRequest, "Authorization pending",
                $"code {ActivationCode.Display(poll.Code)} is not confirmed yet; poll again", "authorization_pending"),
            ActivationSlowDown slow => SlowDown(http, slow),
            ActivationRedeemed redeemed => await IssueAsync(subscribers, settings, clock, redeemed, ct),
            ActivationRefused { Reason: ActivationRefusal.Expired } refused => Expired(refused.Message),
            ActivationRefused { Reason: ActivationRefusal.AlreadyUsed } refused => Problem(StatusCodes.Status409Conflict, "Activation already used", refused.Message, "invalid_grant"),
            ActivationRefused refused => Problem(StatusCodes.Status404NotFound, "Unknown activation", refused.Message, "invalid_grant"),
            var other => Problem(StatusCodes.Status500InternalServerError, "Unexpected reply", $"unexpected reply {other.GetType().Name}", null),
        });
    }

    /// <summary>The access token of the redeemed activation, when the account still may have one on that box.</summary>
    private static async Task<IResult> IssueAsync(ISubscriberService subscribers, AuthSettings settings, TimeProvider clock, ActivationRedeemed redeemed,
        CancellationToken ct)
    {
        var facts = await subscribers.GetSignInAsync(redeemed.SubscriberId, ct);
        if (!facts.Exists) return Problem(StatusCodes.Status404NotFound, "Unknown account", $"account '{redeemed.SubscriberId}' no longer exists", "invalid_grant");
        if (facts.Status != SubscriberStatus.Active) return AuthApi.Inactive(facts.Status);
        return facts.Devices.FirstOrDefault(d => d.DeviceId == redeemed.Device.DeviceId) is { } device
            ? await AuthApi.IssueAsync(subscribers, settings, clock, facts, device, ct)
            : Problem(StatusCodes.Status409Conflict, "Device not registered", $"device '{redeemed.Device.DeviceId}' was removed from the account meanwhile", "invalid_grant");
    }

    private static IResult Confirmed(HttpContext http, IActivationReply reply)
    {
        switch (reply)
        {
            case ActivationConfirmed confirmed:
                if (confirmed.Replayed) http.Response.Headers[BossApi.ReplayedHeader] = "true";
                return Results.Ok(new ActivationConfirmedDto(ActivationCode.Display(confirmed.Code), confirmed.SubscriberId.Value, confirmed.DeviceId, "approved"));
            case ActivationRefused refused:
                return refused.Reason switch
                {
                    ActivationRefusal.Unknown => Problem(StatusCodes.Status404NotFound, "Unknown code", refused.Message, null),
                    ActivationRefusal.Expired => Expired(refused.Message),
                    ActivationRefusal.AlreadyUsed => Problem(StatusCodes.Status409Conflict, "Code already used", refused.Message, null),
                    ActivationRefusal.Busy => Problem(StatusCodes.Status409Conflict, "Code being confirmed", refused.Message, null),
                    ActivationRefusal.DeviceRefused => refused.ByAccount switch
                    {
                        SubscriberRejection.NotFound => Problem(StatusCodes.Status404NotFound, "Unknown account", refused.Message, null),
                        SubscriberRejection.Invalid => Problem(StatusCodes.Status400BadRequest, "Invalid device", refused.Message, null),
                        _ => Problem(StatusCodes.Status409Conflict, "Device not registered", refused.Message, null),
                    },
                    _ => Problem(StatusCodes.Status503ServiceUnavailable, "Subscriber service unavailable", refused.Message, null),
                };
            default:
                return Problem(StatusCodes.Status500InternalServerError, "Unexpected reply", $"unexpected reply {reply.GetType().Name}", null);
        }
    }

    /// <summary>The body's <c>code</c> in canonical form, or a 400 naming it.</summary>
    private static async Task<(string? Code, IResult? Error)> ReadCodeAsync(HttpRequest request, CancellationToken ct)
    {
        var (body, error) = await JsonBody.ReadAsync(request, ct);
        if (error is not null) return (null, error);
        var errors = new Dictionary<string, string[]>();
        JsonBody.RejectUnknown(body, CodeFields, errors);
        var text = JsonBody.RequiredString(body, "code", errors);
        var code = ActivationCode.Normalize(text);
        if (text is not null && code is null)
            errors["code"] = [$"code must be {ActivationCode.Length} characters of {ActivationCode.Alphabet} (case-insensitive, a dash optional), as the box shows it"];
        return errors.Count > 0 ? (null, Results.ValidationProblem(errors)) : (code, null);
    }

    private static IResult SlowDown(HttpContext http, ActivationSlowDown slow)
    {
        var seconds = RetryAfter.Set(http, slow.RetryAfter);
        return Problem(StatusCodes.Status429TooManyRequests, "Polling too fast", $"poll at most once per interval; retry after {seconds} s", "slow_down");
    }

    private static IResult Expired(string detail) => Problem(StatusCodes.Status410Gone, "Activation expired", detail, "expired_token");

    /// <summary>A problem; <paramref name="error"/> is the RFC 8628 / OAuth error code a device client branches on.</summary>
    private static IResult Problem(int status, string title, string detail, string? error) =>
        Results.Problem(detail, statusCode: status, title: title, extensions: error is null ? null : new Dictionary<string, object?> { ["error"] = error });

    private static Task<IResult> Guard(Func<Task<IResult>> action) =>
        ClusterTimeout.GuardAsync(action, "Activation service unavailable", "the activation service did not answer in time; retry later");
}

/// <summary>What a box gets when it asks for a code: show <c>code</c>, then poll <c>/token</c> with <c>pollToken</c> every <c>interval</c> seconds.</summary>
public sealed record ActivationDto(string Code, string PollToken, int ExpiresIn, int Interval, string VerificationUri, DateTimeOffset ExpiresAt);

/// <summary>What a confirmation answers: the code is approved for the account and the box registered on it.</summary>
public sealed record ActivationConfirmedDto(string Code, string Subscriber, string DeviceId, string Status);
