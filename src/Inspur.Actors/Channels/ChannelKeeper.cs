using Akka.Actor;
using Akka.Event;
using Inspur.Domain.Channels;
using static Inspur.Domain.Channels.ChannelReplies;

namespace Inspur.Actors.Channels;

/// <summary>
/// Wakes every channel the read model says is running, shortly after start-up and then periodically, so running
/// channels come back after a node restart, reappear on a survivor after a failover (their shard moved), and are never
/// passivated for idleness. Waking a channel that runs already changes nothing.
/// </summary>
public sealed class ChannelKeeper : ReceiveActor, IWithTimers
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    private sealed record Tick
    {
        public static readonly Tick Instance = new();
    }

    private readonly ILoggingAdapter _log = Context.GetLogger();

    public ChannelKeeper(IActorRef channels, IActorRef directory)
    {
        ReceiveAsync<Tick>(async _ =>
        {
            try
            {
                var all = await directory.Ask<List<ChannelView>>(ChannelDirectoryProjection.ListChannels.Instance, ChannelService.AskTimeout);
                foreach (var channel in all)
                {
                    if (channel.Running) channels.Tell(new ChannelCommands.KeepRunning(channel.ChannelId));
                }
            }
            catch (AskTimeoutException)
            {
                _log.Warning("channel keeper: the channel directory did not answer; trying again in {0}", Interval);
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
