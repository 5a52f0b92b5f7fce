using Akka.Event;
using Akka.IO;
using Akka.Streams;
using Akka.Streams.Stage;

namespace Inspur.Media.Segmenting;

/// <summary>What the segmenter stage emits: finished LL-HLS parts and segments, in stream order.</summary>
public abstract record SegmenterOutput;

/// <summary>A finished LL-HLS part (its bytes are also inside the segment that follows).</summary>
public sealed record PartReady(PartInfo Info, byte[] Bytes) : SegmenterOutput;

/// <summary>A finished segment, with what the segmenter knew of the stream at that point.</summary>
public sealed record SegmentReady(SegmentInfo Info, byte[] Bytes) : SegmenterOutput
{
    public StreamDescription? Description { get; init; }
}

/// <summary>
/// The segmenter as an Akka.Streams flow stage: TS bytes in, parts and segments out, with backpressure (it pulls input
/// only when everything it produced has been taken). Materializes the live <see cref="TsStreamStats"/> counters.
/// A defect inside the segmenter never fails the stream: the stage counts it, starts a fresh segmenter on the same
/// time anchor and marks the next segment a discontinuity.
/// </summary>
public sealed class SegmenterStage(SegmenterOptions options) : GraphStageWithMaterializedValue<FlowShape<ByteString, SegmenterOutput>, TsStreamStats>
{
    public SegmenterOptions Options { get; } = options;

    private readonly Inlet<ByteString> _in = new("segmenter.in");
    private readonly Outlet<SegmenterOutput> _out = new("segmenter.out");

    public override FlowShape<ByteString, SegmenterOutput> Shape => new(_in, _out);

    public override ILogicAndMaterializedValue<TsStreamStats> CreateLogicAndMaterializedValue(Attributes inheritedAttributes)
    {
        Options.Validate();
        var logic = new Logic(this);
        return new LogicAndMaterializedValue<TsStreamStats>(logic, logic.Stats);
    }

    private sealed class Logic : OutGraphStageLogic, ISegmentSink
    {
        private readonly SegmenterStage _stage;
        private readonly Queue<SegmenterOutput> _ready = new();
        private Segmenter _segmenter;

        public Logic(SegmenterStage stage) : base(stage.Shape)
        {
            _stage = stage;
            _segmenter = new Segmenter(stage.Options, this);
            Stats = _segmenter.Stats;
            SetHandler(stage._in, onPush: OnPush, onUpstreamFinish: OnFinish);
            SetHandler(stage._out, this);
        }

        public TsStreamStats Stats { get; }

        public long InternalErrors { get; private set; }

        public override void OnPull()
        {
            if (_ready.Count > 0) Push(_stage._out, _ready.Dequeue());
            else if (IsClosed(_stage._in)) CompleteStage();
            else if (!HasBeenPulled(_stage._in)) Pull(_stage._in);
        }

        public void OnPart(PartInfo part, ReadOnlySpan<byte> bytes) => _ready.Enqueue(new PartReady(part, Copy(bytes)));

        public void OnSegment(SegmentInfo segment, ReadOnlySpan<byte> bytes) =>
            _ready.Enqueue(new SegmentReady(segment, Copy(bytes)) { Description = _segmenter.Description });

        // Every byte is overwritten at once, so the runtime need not zero the array first (a segment is a MiB or more).
        private static byte[] Copy(ReadOnlySpan<byte> bytes)
        {
            var copy = GC.AllocateUninitializedArray<byte>(bytes.Length);
            bytes.CopyTo(copy);
            return copy;
        }

        public override void PostStop() => _segmenter.Dispose();

        private void OnPush()
        {
            var bytes = Grab(_stage._in);
            Guard(() =>
            {
                if (_stage.Options.SourceGeneration is { } generation && generation() is var now && now != _generation)
                {
                    _generation = now;
                    _segmenter.SourceChanged();
                }

                _segmenter.Push(bytes.ToReadOnlySpan());
            });
            Deliver();
        }

        private long _generation;

        private void OnFinish()
        {
            Guard(() => _segmenter.Complete());
            if (_ready.Count == 0) CompleteStage();
            else Deliver();
        }

        private void Deliver()
        {
            if (IsAvailable(_stage._out) && _ready.Count > 0) Push(_stage._out, _ready.Dequeue());
            if (_ready.Count == 0 && IsAvailable(_stage._out) && !IsClosed(_stage._in) && !HasBeenPulled(_stage._in)) Pull(_stage._in);
        }

        private void Guard(Action action)
        {
            try
            {
                action();
            }
            catch (Exception ex)
            {
                InternalErrors++;
                Log.Error(ex, "segmenter defect; restarting it on the same time anchor");
                var anchor = _segmenter.Anchor;
                _segmenter.Dispose();
                _segmenter = new Segmenter(_stage.Options with { Anchor = anchor }, this);
            }
        }
    }
}
