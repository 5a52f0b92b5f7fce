using Inspur.Actors.Channels;
using Inspur.Domain.Channels;
using static Inspur.Domain.Channels.ChannelReplies;

namespace Inspur.Host.Tests;

/// <summary>An <see cref="IChannelService"/> whose list and get answers a spec scripts, to show the admin a cluster that misbehaves.</summary>
public sealed class StubChannelService : IChannelService
{
    public Func<IReadOnlyList<ChannelView>> List { get; init; } = () => [];

    public Func<ChannelId, CancellationToken, Task<IChannelReply>> Get { get; init; } = (id, _) => throw new InvalidOperationException($"{id} was asked");

    public Task<IReadOnlyList<ChannelView>> ListAsync(CancellationToken ct = default) => Task.FromResult(List());

    public Task<IChannelReply> GetAsync(ChannelId id, CancellationToken ct = default) => Get(id, ct);

    public Task<IChannelReply> CreateAsync(ChannelId id, ChannelConfig config, CancellationToken ct = default) => throw new NotSupportedException();

    public Task<IChannelReply> UpdateAsync(ChannelId id, ChannelConfig config, CancellationToken ct = default) => throw new NotSupportedException();

    public Task<IChannelReply> StartAsync(ChannelId id, CancellationToken ct = default) => throw new NotSupportedException();

    public Task<IChannelReply> StopAsync(ChannelId id, string reason, CancellationToken ct = default) => throw new NotSupportedException();
}
