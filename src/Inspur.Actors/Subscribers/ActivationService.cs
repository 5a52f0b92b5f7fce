using Akka.Actor;
using Akka.Hosting;
using Inspur.Domain.Subscribers;
using static Inspur.Domain.Subscribers.ActivationProtocol;
using static Inspur.Domain.Subscribers.ThrottleProtocol;

namespace Inspur.Actors.Subscribers;

/// <summary>What the auth API uses for device activation by code; answers come from the code's <c>device-activation</c> entity, wherever it lives.</summary>
public interface IActivationService
{
    /// <summary>Starts an activation for the box under a fresh code (another one when a live activation holds the drawn code).</summary>
    Task<BeginActivation> BeginAsync(ActivationDevice device, TimeSpan lifetime, TimeSpan interval, CancellationToken ct = default);

    /// <summary>An <see cref="ActivationConfirmed"/> or an <see cref="ActivationRefused"/>.</summary>
    Task<IActivationReply> ConfirmAsync(string code, SubscriberId subscriber, string? idempotencyKey, CancellationToken ct = default);

    /// <summary>An <see cref="ActivationPending"/>, <see cref="ActivationSlowDown"/>, <see cref="ActivationRedeemed"/> or <see cref="ActivationRefused"/>.</summary>
    Task<IActivationReply> PollAsync(string code, string nonce, CancellationToken ct = default);
}

/// <summary><see cref="IActivationService"/> over the <c>device-activation</c> shard region.</summary>
public sealed class ActivationService(IRequiredActor<DeviceActivationActor> activations) : IActivationService
{
    public const int MaxDraws = 8;

    /// <summary>Longer than the subscriber service's own ask, which a confirmation waits for.</summary>
    public static readonly TimeSpan AskTimeout = SubscriberService.AskTimeout * 2;

    public async Task<BeginActivation> BeginAsync(ActivationDevice device, TimeSpan lifetime, TimeSpan interval, CancellationToken ct = default)
    {
        // Whole seconds, as the poll token carries it.
        var expires = DateTimeOffset.FromUnixTimeSeconds((DateTimeOffset.UtcNow + lifetime).ToUnixTimeSeconds());
        for (var draw = 0; draw < MaxDraws; draw++)
        {
            var begin = new BeginActivation(ActivationCode.New(), ActivationPollToken.NewNonce(), device, expires, interval);
            if (await activations.ActorRef.Ask<IActivationReply>(begin, AskTimeout, ct) is ActivationBegun) return begin;
        }

        throw new InvalidOperationException($"{MaxDraws} activation codes in a row were in use");
    }

    public Task<IActivationReply> ConfirmAsync(string code, SubscriberId subscriber, string? idempotencyKey, CancellationToken ct = default) =>
        activations.ActorRef.Ask<IActivationReply>(new ConfirmActivation(code, subscriber, idempotencyKey), AskTimeout, ct);

    public Task<IActivationReply> PollAsync(string code, string nonce, CancellationToken ct = default) =>
        activations.ActorRef.Ask<IActivationReply>(new PollActivation(code, nonce), AskTimeout, ct);
}

/// <summary>Failures counted per key across the cluster (by the key's <c>auth-throttle</c> entity), for sign-in and activation throttles.</summary>
public interface IFailureThrottle
{
    Task<ThrottleStatus> CheckAsync(string key, ThrottleLimit limit, CancellationToken ct = default);

    Task<ThrottleStatus> FailedAsync(string key, ThrottleLimit limit, CancellationToken ct = default);

    /// <summary>Counts an attempt as a failure unless the key is at its limit (<see cref="TryAttempt"/>); the status before it.</summary>
    Task<ThrottleStatus> AttemptAsync(string key, ThrottleLimit limit, CancellationToken ct = default);

    /// <summary>Forgets the key's failures; fire and forget.</summary>
    void Succeeded(string key);

    /// <summary>Takes back the attempt counted last (<see cref="ForgetAttempt"/>); fire and forget.</summary>
    void NotAFailure(string key);
}

/// <summary><see cref="IFailureThrottle"/> over the <c>auth-throttle</c> shard region.</summary>
public sealed class FailureThrottle(IRequiredActor<FailureThrottleActor> throttles) : IFailureThrottle
{
    public static readonly TimeSpan AskTimeout = SubscriberService.AskTimeout;

    public Task<ThrottleStatus> CheckAsync(string key, ThrottleLimit limit, CancellationToken ct = default) =>
        throttles.ActorRef.Ask<ThrottleStatus>(new CheckThrottle(key, limit), AskTimeout, ct);

    public Task<ThrottleStatus> FailedAsync(string key, ThrottleLimit limit, CancellationToken ct = default) =>
        throttles.ActorRef.Ask<ThrottleStatus>(new RecordFailure(key, limit), AskTimeout, ct);

    public Task<ThrottleStatus> AttemptAsync(string key, ThrottleLimit limit, CancellationToken ct = default) =>
        throttles.ActorRef.Ask<ThrottleStatus>(new TryAttempt(key, limit), AskTimeout, ct);

    public void Succeeded(string key) => throttles.ActorRef.Tell(new ClearFailures(key));

    public void NotAFailure(string key) => throttles.ActorRef.Tell(new ForgetAttempt(key));
}
