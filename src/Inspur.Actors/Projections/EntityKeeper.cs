using Akka.Actor;
using Akka.Event;

namespace Inspur.Actors.Projections;

/// <summary>
/// Wakes the entities a read model says must stay awake (running channels, recordings under way), shortly after
/// start-up and then every <see cref="Interval"/>: they come back after a node restart, reappear on a survivor after a
/// failover (their shard moved), and are never passivated for idleness. Waking an awake entity changes nothing.
/// Instead of remember-entities, which with the DData state store would not survive a full restart.
/// </summary>
public sealed class EntityKeeper : ReceiveActor, IWithTimers
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    private sealed record Tick
    {
        public static readonly Tick Instance = new();
    }

    private readonly ILoggingAdapter _log = Context.GetLogger();

    /// <param name="what">The entities, for the log.</param>
    /// <param name="region">Where the wake-up messages go (the shard region or its proxy).</param>
    /// <param name="due">Asks the read model and returns one wake-up message per entity to keep awake.</param>
    public EntityKeeper(string what, IActorRef region, Func<Task<IEnumerable<object>>> due)
    {
        ReceiveAsync<Tick>(async _ =>
        {
            try
            {
                foreach (var wake in await due()) region.Tell(wake);
            }
            catch (AskTimeoutException)
            {
                _log.Warning("{0} keeper: the read model did not answer; trying again in {1}", what, Interval);
            }
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart()
    {
        Timers.StartSingleTimer("first", Tick.Instance, TimeSpan.FromSeconds(1));
        Timers.StartPeriodicTimer("tick", Tick.Instance, Interval);
    }
}
