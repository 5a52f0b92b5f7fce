using Akka.Actor;
using Akka.Streams;
using Inspur.Actors.Channels;
using Inspur.Domain.Channels;
using Inspur.Media.Ingest;
using Inspur.Media.Live;
using Inspur.Media.Segmenting;

namespace Inspur.Host.Delivery;

/// <summary>
/// This node's live data plane for channel entities: ingest from the channel's source, segment (LL-HLS when asked),
/// publish into the hot window that <see cref="LiveDelivery"/> serves.
/// </summary>
public sealed class LivePipelines(ActorSystem system, LiveRegistry registry) : ILivePipelines
{
    public static readonly TimeSpan TargetDuration = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan PartTarget = TimeSpan.FromMilliseconds(400);

    private readonly IMaterializer _materializer = system.Materializer();

    public ILivePipeline Start(ChannelId channel, ChannelConfig config)
    {
        if (config.Source is not { } url || !ChannelSource.TryParse(url, out var source, out var error))
            throw new ArgumentException($"channel {channel}: no usable source ({config.Source})");
        _ = error;
        var ingest = source.IsMulticast
            ? new UdpIngestOptions(source.Port) { MulticastGroup = source.Address, MulticastInterface = source.Interface }
            : new UdpIngestOptions(source.Port) { BindAddress = source.Address };
        var part = config.LowLatency ? PartTarget : (TimeSpan?)null;
        var rendition = new LiveRendition("main", TargetDuration, part);
        var running = LivePipeline.RunUdp(ingest, new SegmenterOptions { TargetDuration = TargetDuration, PartTarget = part }, rendition, _materializer);
        registry.Publish(channel.Value, rendition);
        return new Handle(channel.Value, rendition, running, registry);
    }

    private sealed class Handle(string channel, LiveRendition rendition, RunningPipeline running, LiveRegistry registry) : ILivePipeline
    {
        public Task Completion => running.Completion;

        public DateTimeOffset? LastInput => running.Ingest.LastReceived;

        public void Dispose()
        {
            running.Switch.Shutdown();
            registry.Remove(channel, rendition);
        }
    }
}
