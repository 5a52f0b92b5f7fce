using Akka.Actor;
using Akka.Cluster.Sharding;
using Inspur.Domain.Subscribers;
using static Inspur.Domain.Subscribers.ThrottleProtocol;

namespace Inspur.Actors.Subscribers;

/// <summary>
/// The sharded, in-memory <c>auth-throttle</c> entity of one key: the failures (wrong passwords, wrong activation codes) counted
/// for it across the cluster, whichever node saw them. Stops itself once none is left in the window.
/// </summary>
public sealed class FailureThrottleActor : ReceiveActor, IWithTimers
{
    public const string EntityTypeName = "auth-throttle";

    private FailureWindow _window = FailureWindow.Empty;
    private ThrottleLimit? _limit;

    public FailureThrottleActor()
    {
        Receive<CheckThrottle>(check =>
        {
            Sender.Tell(Status(check.Key, check.Limit));
            if (_window.Failures.Count == 0) Stop();
        });
        Receive<RecordFailure>(failure =>
        {
            Count(failure.Limit);
            Sender.Tell(Status(failure.Key, failure.Limit));
        });
        Receive<TryAttempt>(attempt =>
        {
            var before = Status(attempt.Key, attempt.Limit);
            if (before.RetryAfter is null) Count(attempt.Limit);
            Sender.Tell(before);
        });
        Receive<ForgetAttempt>(_ =>
        {
            _window = _window.WithoutNewest();
            if (_window.Failures.Count == 0) Stop();
        });
        Receive<ClearFailures>(_ =>
        {
            _window = FailureWindow.Empty;
            Stop();
        });
        Receive<Forget>(_ =>
        {
            if (_limit is null || _window.Current(DateTimeOffset.UtcNow, _limit).Failures.Count == 0) Stop();
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    private ThrottleStatus Status(string key, ThrottleLimit limit)
    {
        var now = DateTimeOffset.UtcNow;
        _window = _window.Current(now, limit);
        return new ThrottleStatus(key, _window.Failures.Count, _window.RetryAfter(now, limit));
    }

    private void Count(ThrottleLimit limit)
    {
        _limit = limit;
        _window = _window.Add(DateTimeOffset.UtcNow, limit);
        Timers.StartSingleTimer(nameof(Forget), Forget.Instance, limit.Window + TimeSpan.FromSeconds(1));
    }

    private void Stop() => Context.Parent.Tell(new Passivate(PoisonPill.Instance));

    private sealed class Forget
    {
        public static readonly Forget Instance = new();
    }
}

/// <summary>Routes every throttle message to its key's entity.</summary>
public sealed class FailureThrottleMessageExtractor() : HashCodeMessageExtractor(ShardCount)
{
    public const int ShardCount = 100;

    public override string? EntityId(object message) => message is IThrottleMessage m ? m.Key : null;
}
