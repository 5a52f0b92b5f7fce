using Akka.Actor;
using Akka.Hosting;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Inspur.Domain.Channels;
using static Inspur.Domain.Channels.ChannelCommands;
using static Inspur.Domain.Channels.ChannelQueries;
using static Inspur.Domain.Channels.ChannelReplies;

namespace Inspur.Actors.Channels;

/// <summary>What web code and ops use to talk to channels; nobody outside Inspur.Actors holds an IActorRef.</summary>
public interface IChannelService
{
    Task<IChannelReply> CreateAsync(ChannelId id, ChannelConfig config, CancellationToken ct = default);

    Task<IChannelReply> UpdateAsync(ChannelId id, ChannelConfig config, CancellationToken ct = default);

    Task<IChannelReply> GetAsync(ChannelId id, CancellationToken ct = default);

    Task<IChannelReply> StartAsync(ChannelId id, CancellationToken ct = default);

    Task<IChannelReply> StopAsync(ChannelId id, string reason, CancellationToken ct = default);

    Task<IReadOnlyList<ChannelView>> ListAsync(CancellationToken ct = default);

    /// <summary>The channel's alarm and phase events, newest first, read from the journal (at most <paramref name="limit"/>).</summary>
    Task<IReadOnlyList<ChannelHistoryEntry>> HistoryAsync(ChannelId id, int limit, CancellationToken ct = default);
}

/// <summary>One alarm raised or cleared, or one phase change, as the journal has it.</summary>
public sealed record ChannelHistoryEntry(DateTimeOffset At, string What, string Kind, string? Detail);

/// <summary><see cref="IChannelService"/> over the channel shard region and the channel directory projection.</summary>
public sealed class ChannelService(ActorSystem system, IRequiredActor<ChannelActor> channels, IRequiredActor<ChannelDirectoryProjection> directory)
    : IChannelService
{
    private readonly IMaterializer _materializer = system.Materializer();

    public static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(10);

    public Task<IChannelReply> CreateAsync(ChannelId id, ChannelConfig config, CancellationToken ct = default) =>
        Write(new CreateChannel(id, config), ct);

    public Task<IChannelReply> UpdateAsync(ChannelId id, ChannelConfig config, CancellationToken ct = default) =>
        Write(new UpdateChannel(id, config), ct);

    public Task<IChannelReply> StartAsync(ChannelId id, CancellationToken ct = default) => Write(new StartChannel(id), ct);

    public Task<IChannelReply> StopAsync(ChannelId id, string reason, CancellationToken ct = default) => Write(new StopChannel(id, reason), ct);

    public Task<IChannelReply> GetAsync(ChannelId id, CancellationToken ct = default) =>
        channels.ActorRef.Ask<IChannelReply>(new GetChannel(id), AskTimeout, ct);

    public async Task<IReadOnlyList<ChannelView>> ListAsync(CancellationToken ct = default) =>
        await directory.ActorRef.Ask<List<ChannelView>>(ChannelDirectoryProjection.ListChannels.Instance, AskTimeout, ct);

    public async Task<IReadOnlyList<ChannelHistoryEntry>> HistoryAsync(ChannelId id, int limit, CancellationToken ct = default)
    {
        var journal = PersistenceQuery.Get(system).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(AskTimeout);
        var entries = new List<ChannelHistoryEntry>();
        await journal.CurrentEventsByPersistenceId($"{ChannelActor.EntityTypeName}-{id}", 0, long.MaxValue)
            .RunForeach(e =>
            {
                ChannelHistoryEntry? entry = e.Event switch
                {
                    ChannelEvents.AlarmRaised r => new(r.At, "alarm-raised", r.Kind, r.Detail),
                    ChannelEvents.AlarmCleared c => new(c.At, "alarm-cleared", c.Kind, null),
                    ChannelEvents.PhaseChanged p => new(p.At, "phase", p.Phase.ToString(), p.Reason),
                    ChannelEvents.ChannelStarted s => new(s.At, "phase", nameof(ChannelPhase.Starting), "started"),
                    ChannelEvents.ChannelStopped s => new(s.At, "phase", nameof(ChannelPhase.Stopped), s.Reason),
                    _ => null,
                };
                if (entry is null) return;
                entries.Add(entry);
                if (entries.Count > limit) entries.RemoveAt(0);
            }, _materializer)
            .WaitAsync(timeout.Token)
            .ConfigureAwait(false);
        entries.Reverse();
        return entries;
    }

    private async Task<IChannelReply> Write(IChannelCommand command, CancellationToken ct)
    {
        var reply = await channels.ActorRef.Ask<IChannelReply>(command, AskTimeout, ct);
        if (reply is ChannelView view) directory.ActorRef.Tell(new ChannelDirectoryProjection.Observed(view));
        return reply;
    }
}
