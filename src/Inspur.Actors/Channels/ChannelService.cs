using Akka.Actor;
using Akka.Hosting;
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
}

/// <summary><see cref="IChannelService"/> over the channel shard region and the channel directory projection.</summary>
public sealed class ChannelService(IRequiredActor<ChannelActor> channels, IRequiredActor<ChannelDirectoryProjection> directory)
    : IChannelService
{
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

    private async Task<IChannelReply> Write(IChannelCommand command, CancellationToken ct)
    {
        var reply = await channels.ActorRef.Ask<IChannelReply>(command, AskTimeout, ct);
        if (reply is ChannelView view) directory.ActorRef.Tell(new ChannelDirectoryProjection.Observed(view));
        return reply;
    }
}
