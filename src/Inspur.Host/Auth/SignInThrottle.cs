using Inspur.Actors.Subscribers;
using Inspur.Domain.Subscribers;

namespace Inspur.Host.Auth;

/// <summary>
/// The throttles of the auth API, counted across the cluster by the <c>auth-throttle</c> entity of each key, whichever node saw
/// the failure: sign-in refuses an account after <see cref="MaxFailures"/> wrong credentials within <see cref="Window"/>;
/// activation confirmation refuses a subscriber after <see cref="ActivationPerSubscriber"/> wrong codes, and everyone after
/// <see cref="ActivationOverall"/>. A sign-in costs one ask (the attempt, counted before the password is checked) and, when
/// right, one message forgetting the failures; a confirmation two asks at once (its own attempt, the overall check) and
/// one more message: the overall failure when the code was wrong, taking its attempt back when not.
/// </summary>
public sealed class SignInThrottle(IFailureThrottle throttle)
{
    public const int MaxFailures = 5;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);
    public static readonly ThrottleLimit SignIn = new(MaxFailures, Window);
    public static readonly ThrottleLimit ActivationPerSubscriber = new(5, TimeSpan.FromMinutes(15));
    public static readonly ThrottleLimit ActivationOverall = new(100, TimeSpan.FromMinutes(1));
    public const string ActivationOverallKey = "activation-all";

    public static string SignInKey(string account) => "sign-in-" + account;

    public static string ActivationKey(SubscriberId subscriber) => "activation-" + subscriber.Value;

    /// <summary>
    /// How long the account must wait, or null when it may try now, in which case the try already counts as a failure until
    /// <see cref="Succeeded"/> forgets it: parallel wrong guesses cannot all pass one check before any failure is counted.
    /// </summary>
    public async Task<TimeSpan?> AttemptAsync(string account, CancellationToken ct) => (await throttle.AttemptAsync(SignInKey(account), SignIn, ct)).RetryAfter;

    /// <summary>Right credentials: the account's failures, this attempt's included, are forgotten.</summary>
    public void Succeeded(string account) => throttle.Succeeded(SignInKey(account));

    /// <summary>
    /// How long the subscriber must wait before confirming another code (the longer of its own and the overall throttle), or
    /// null when it may try now; then the try already counts as one of its wrong codes until <see cref="ActivationResultAsync"/>
    /// says otherwise, so parallel wrong codes of one subscriber cannot all pass its check (nor, together, trip the overall limit).
    /// </summary>
    public async Task<TimeSpan?> ActivationAttemptAsync(SubscriberId subscriber, CancellationToken ct)
    {
        var own = throttle.AttemptAsync(ActivationKey(subscriber), ActivationPerSubscriber, ct);
        var all = throttle.CheckAsync(ActivationOverallKey, ActivationOverall, ct);
        var (mine, everyone) = (await own, await all);
        // Refused overall, the subscriber's try was not judged: it is not one of its wrong codes.
        if (mine.RetryAfter is null && everyone.RetryAfter is not null) throttle.NotAFailure(ActivationKey(subscriber));
        var waits = new[] { mine.RetryAfter, everyone.RetryAfter }.OfType<TimeSpan>().ToList();
        return waits.Count == 0 ? null : waits.Max();
    }

    /// <summary>A wrong code also counts overall; anything else takes the subscriber's attempt back (earlier wrong codes stay counted).</summary>
    public async Task ActivationResultAsync(SubscriberId subscriber, bool wrongCode, CancellationToken ct)
    {
        if (wrongCode) await throttle.FailedAsync(ActivationOverallKey, ActivationOverall, ct);
        else throttle.NotAFailure(ActivationKey(subscriber));
    }
}
