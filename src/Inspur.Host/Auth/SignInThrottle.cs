using System.Collections.Concurrent;

namespace Inspur.Host.Auth;

/// <summary>
/// Refuses sign-in for an account after <see cref="MaxFailures"/> wrong credentials within <see cref="Window"/>, until the oldest
/// of them leaves the window. Node-local: a client spreading guesses over n nodes gets n × 5 tries per window.
/// </summary>
public sealed class SignInThrottle(TimeProvider clock)
{
    public const int MaxFailures = 5;
    public const int MaxAccounts = 100_000;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);

    private readonly ConcurrentDictionary<string, Queue<DateTimeOffset>> _failures = new(StringComparer.Ordinal);

    /// <summary>How long the account must wait, or null when it may try now.</summary>
    public TimeSpan? RetryAfter(string account)
    {
        if (!_failures.TryGetValue(account, out var failures)) return null;
        var now = clock.GetUtcNow();
        lock (failures)
        {
            Expire(failures, now);
            return failures.Count >= MaxFailures ? failures.Peek() + Window - now : null;
        }
    }

    public void Failed(string account)
    {
        var now = clock.GetUtcNow();
        if (_failures.Count >= MaxAccounts) Prune(now);
        var failures = _failures.GetOrAdd(account, _ => new Queue<DateTimeOffset>());
        lock (failures)
        {
            Expire(failures, now);
            failures.Enqueue(now);
            while (failures.Count > MaxFailures) failures.Dequeue();
        }
    }

    public void Succeeded(string account) => _failures.TryRemove(account, out _);

    private void Prune(DateTimeOffset now)
    {
        foreach (var (account, failures) in _failures)
        {
            lock (failures)
            {
                Expire(failures, now);
                if (failures.Count == 0) _failures.TryRemove(account, out _);
            }
        }
    }

    private static void Expire(Queue<DateTimeOffset> failures, DateTimeOffset now)
    {
        while (failures.Count > 0 && failures.Peek() + Window <= now) failures.Dequeue();
    }
}
