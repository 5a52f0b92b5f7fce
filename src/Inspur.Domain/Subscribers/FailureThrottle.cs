namespace Inspur.Domain.Subscribers;

/// <summary>How many failures within how long a throttle key tolerates before it refuses.</summary>
public sealed record ThrottleLimit(int MaxFailures, TimeSpan Window)
{
    public static readonly TimeSpan MaxWindow = TimeSpan.FromHours(1);
}

/// <summary>Messages of the <c>auth-throttle</c> entity, one per key (<c>sign-in-{account}</c>, <c>activation-{subscriber}</c>, …).</summary>
public static class ThrottleProtocol
{
    public interface IThrottleMessage : IInspurMessage
    {
        string Key { get; }
    }

    /// <summary>Answers the key's <see cref="ThrottleStatus"/> without changing it.</summary>
    public sealed record CheckThrottle(string Key, ThrottleLimit Limit) : IThrottleMessage;

    /// <summary>Counts a failure now and answers the status after it.</summary>
    public sealed record RecordFailure(string Key, ThrottleLimit Limit) : IThrottleMessage;

    /// <summary>
    /// An attempt that may fail (a sign-in, an activation code): refused when the key is at its limit (the status answered
    /// has a <see cref="ThrottleStatus.RetryAfter"/> and nothing is counted), otherwise counted as a failure at once and
    /// answered with the status before it; a right one is then forgotten with <see cref="ClearFailures"/> (all the key's
    /// failures) or <see cref="ForgetAttempt"/> (only itself). Counting before the outcome is known is what stops parallel
    /// guesses from all passing one check.
    /// </summary>
    public sealed record TryAttempt(string Key, ThrottleLimit Limit) : IThrottleMessage;

    /// <summary>Takes back the newest failure: an attempt that turned out not to be a wrong guess (a right activation code); no answer.</summary>
    public sealed record ForgetAttempt(string Key) : IThrottleMessage;

    /// <summary>Forgets the key's failures (a success); no answer.</summary>
    public sealed record ClearFailures(string Key) : IThrottleMessage;

    /// <summary>The failures within the window and, when they reach the limit, how long until the oldest leaves it.</summary>
    public sealed record ThrottleStatus(string Key, int Failures, TimeSpan? RetryAfter) : IInspurMessage;
}

/// <summary>The failures of one key within a sliding window, newest last, at most the limit kept. Pure.</summary>
public sealed record FailureWindow(IReadOnlyList<DateTimeOffset> Failures)
{
    public static readonly FailureWindow Empty = new([]);

    public FailureWindow Current(DateTimeOffset now, ThrottleLimit limit) =>
        Failures.Count == 0 || Failures[0] + limit.Window > now ? this : new(Failures.Where(f => f + limit.Window > now).ToList());

    public TimeSpan? RetryAfter(DateTimeOffset now, ThrottleLimit limit)
    {
        var current = Current(now, limit);
        return current.Failures.Count >= limit.MaxFailures ? current.Failures[^limit.MaxFailures] + limit.Window - now : null;
    }

    public FailureWindow Add(DateTimeOffset now, ThrottleLimit limit) =>
        new(Current(now, limit).Failures.Append(now).TakeLast(Math.Max(1, limit.MaxFailures)).ToList());

    /// <summary>Without the newest failure.</summary>
    public FailureWindow WithoutNewest() => Failures.Count == 0 ? this : new(Failures.Take(Failures.Count - 1).ToList());

    /// <summary>When the newest failure leaves the window (then nothing is left to remember), or null when empty.</summary>
    public DateTimeOffset? EmptyAt(ThrottleLimit limit) => Failures.Count == 0 ? null : Failures[^1] + limit.Window;
}
