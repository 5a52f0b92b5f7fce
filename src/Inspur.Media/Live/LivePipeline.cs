using Akka;
using Akka.Streams;
using Akka.Streams.Dsl;
using Inspur.Media.Ingest;
using Inspur.Media.Segmenting;

namespace Inspur.Media.Live;

/// <summary>A running ingest → segmenter → hot window graph, with its counters and a switch to stop it.</summary>
public sealed record RunningPipeline(IngestStats Ingest, TsStreamStats Stream, UniqueKillSwitch Switch, Task Completion);

/// <summary>Builds the live data plane of one rendition: UDP MPEG-TS in, segments and parts into a <see cref="LiveRendition"/>.</summary>
public static class LivePipeline
{
    /// <param name="published">Also told every output after the rendition took it (e.g. the archive); null for none.</param>
    /// <param name="attributes">The graph's attributes, e.g. <see cref="IngestDispatcher.For"/>; none by default.</param>
    public static RunningPipeline RunUdp(UdpIngestOptions ingest, SegmenterOptions segmenter, LiveRendition rendition, IMaterializer materializer,
        Action<SegmenterOutput>? published = null, Attributes? attributes = null)
    {
        var ((stats, killSwitch), streamStats, done) = Source.FromGraph(new UdpTsSource(ingest))
            .ViaMaterialized(KillSwitches.Single<Akka.IO.ByteString>(), Keep.Both)
            .ViaMaterialized(Flow.FromGraph(new SegmenterStage(segmenter)), Keep.Both)
            .ToMaterialized(Sink.ForEach<SegmenterOutput>(published is null ? rendition.Accept : o =>
            {
                rendition.Accept(o);
                published(o);
            }), Keep.Both)
            .MapMaterializedValue(m => (m.Item1.Item1, m.Item1.Item2, m.Item2))
            .AddAttributes(attributes ?? Attributes.None)
            .Run(materializer);
        return new RunningPipeline(stats, streamStats, killSwitch, done);
    }
}
