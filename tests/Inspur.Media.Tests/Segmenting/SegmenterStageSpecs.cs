using Akka.Actor;
using Akka.IO;
using Akka.Streams;
using Akka.Streams.Dsl;
using Inspur.Media.Segmenting;

namespace Inspur.Media.Tests.Segmenting;

/// <summary>The segmenter inside an Akka.Streams graph: same output as the plain segmenter, backpressure, no failures on garbage.</summary>
public sealed class SegmenterStageSpecs : IAsyncLifetime
{
    private static readonly SegmenterOptions Options = new()
    {
        TargetDuration = TimeSpan.FromSeconds(2),
        PartTarget = TimeSpan.FromMilliseconds(400),
        Anchor = new TimeAnchor(new DateTimeOffset(2026, 11, 24, 0, 0, 0, TimeSpan.Zero), 0),
    };

    private ActorSystem _system = null!;

    public Task InitializeAsync()
    {
        _system = ActorSystem.Create("segmenter-stage-specs", "akka.loglevel = WARNING");
        return Task.CompletedTask;
    }

    public Task DisposeAsync() => _system.Terminate();

    private static Source<ByteString, Akka.NotUsed> Chunks(byte[] ts, int size) =>
        Source.From(Enumerable.Range(0, (ts.Length + size - 1) / size).Select(i => ByteString.FromBytes(ts, i * size, Math.Min(size, ts.Length - i * size))));

    [Fact]
    public async Task Emits_what_the_segmenter_produces_in_order()
    {
        var ts = await MediaSamples.H264Aac(seconds: 8, gop: 20);
        var (direct, _) = CollectingSink.Run(ts, Options);

        var (stats, output) = Chunks(ts, 1316 * 7)
            .ViaMaterialized(Flow.FromGraph(new SegmenterStage(Options)), Keep.Right)
            .ToMaterialized(Sink.Seq<SegmenterOutput>(), Keep.Both)
            .Run(_system.Materializer());
        var items = (await output).ToList();

        var segments = items.OfType<SegmentReady>().ToList();
        Assert.Equal(direct.Segments.Select(s => s.Info), segments.Select(s => s.Info));
        Assert.Equal(direct.Segments.Select(s => s.Bytes), segments.Select(s => s.Bytes));
        Assert.Equal(direct.Parts.Select(p => p.Info), items.OfType<PartReady>().Select(p => p.Info));
        Assert.Equal(segments.Count, stats.Segments);
        foreach (var segment in segments)
        {
            var lastPartIndex = items.IndexOf(items.OfType<PartReady>().Last(p => p.Info.Sequence == segment.Info.Sequence));
            Assert.True(lastPartIndex < items.IndexOf(segment), "a segment is announced after its parts");
        }
    }

    [Fact]
    public async Task Garbage_does_not_fail_the_stream()
    {
        var junk = new byte[300_000];
        new Random(3).NextBytes(junk);
        var ts = await MediaSamples.H264Aac(seconds: 6);

        var (stats, output) = Chunks(junk.Concat(ts).Concat(junk).ToArray(), 4096)
            .ViaMaterialized(Flow.FromGraph(new SegmenterStage(Options with { PartTarget = null })), Keep.Right)
            .ToMaterialized(Sink.Seq<SegmenterOutput>(), Keep.Both)
            .Run(_system.Materializer());

        var items = await output;
        Assert.NotEmpty(items.OfType<SegmentReady>());
        Assert.True(stats.SkippedBytes >= junk.Length);
    }

    [Fact]
    public async Task Pulls_input_only_as_fast_as_output_is_taken()
    {
        var ts = await MediaSamples.H264Aac(seconds: 8, gop: 20);
        var pulled = 0;

        var queue = Chunks(ts, 188 * 50)
            .Select(chunk =>
            {
                Interlocked.Increment(ref pulled);
                return chunk;
            })
            .Via(Flow.FromGraph(new SegmenterStage(Options with { PartTarget = null })))
            .RunWith(Sink.Queue<SegmenterOutput>().WithAttributes(Attributes.CreateInputBuffer(1, 1)), _system.Materializer());

        var first = await queue.PullAsync();
        var pulledAfterFirst = Volatile.Read(ref pulled);

        Assert.IsType<SegmentReady>(first.Value);
        Assert.True(pulledAfterFirst < ts.Length / (188 * 50), $"read {pulledAfterFirst} of {ts.Length / (188 * 50)} chunks before anything was taken");
    }
}
