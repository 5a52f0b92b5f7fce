using Akka.Actor;
using Akka.Hosting;
using static Inspur.Domain.Sessions.SessionCommands;

namespace Inspur.Actors.Sessions;

/// <summary>
/// The <c>session-waker</c> cluster singleton (role <c>edge</c>): wakes every session bucket once per
/// <see cref="SessionSettings.WakeEvery"/>, a few at a time spread over the interval. Sharding does not restart a bucket by
/// itself after a node restart or a hand-over (entities are not remembered), and a bucket that is not running does not
/// sweep: its silent sessions would neither end as idle nor be revoked until one of them is asked for. A running bucket
/// ignores the wake; the first round after a start recovers the buckets that are not running, about 17 a second by default.
/// That round begins one interval after the waker starts, so the recoveries do not compete with a node's start-up (and a
/// node that lives less than an interval, as in most tests, makes none): a session left alone across a restart ends
/// at most one interval later than it would have.
/// </summary>
public sealed class SessionBucketWaker : ReceiveActor, IWithTimers
{
    public const string SingletonName = "session-waker";

    private readonly string[] _buckets = SessionMessageExtractor.AllBuckets().ToArray();
    private readonly int _perTick;
    private int _next;

    public SessionBucketWaker(SessionSettings settings)
    {
        // A tick every 100 ms at most, as many buckets per tick as it takes to wake them all once per interval.
        var ticks = Math.Max(1, (int)(settings.WakeEvery / TimeSpan.FromMilliseconds(100)));
        _perTick = Math.Max(1, (int)Math.Ceiling(_buckets.Length / (double)ticks));
        var tick = TimeSpan.FromTicks(Math.Max(TimeSpan.FromMilliseconds(1).Ticks, settings.WakeEvery.Ticks * _perTick / _buckets.Length));
        Receive<Tick>(_ => Wake());
        Timers.StartPeriodicTimer(Tick.Instance, Tick.Instance, settings.WakeEvery, tick);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    private void Wake()
    {
        if (!ActorRegistry.For(Context.System).TryGet<SessionBucketActor>(out var sessions)) return;
        for (var i = 0; i < _perTick; i++)
        {
            sessions.Tell(new WakeSessionBucket(_buckets[_next]), ActorRefs.NoSender);
            _next = (_next + 1) % _buckets.Length;
        }
    }

    private sealed class Tick
    {
        public static readonly Tick Instance = new();
    }
}
