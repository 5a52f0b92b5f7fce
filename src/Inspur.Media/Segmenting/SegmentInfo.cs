namespace Inspur.Media.Segmenting;

/// <summary>What the packager knows about one finished segment (HLS media segment).</summary>
public sealed record SegmentInfo(
    long Sequence,
    long StartPts,
    DateTimeOffset ProgramDateTime,
    TimeSpan Duration,
    int ByteSize,
    bool Discontinuity,
    int Parts)
{
    /// <summary>Average bits per second over the segment.</summary>
    public long Bitrate => Duration <= TimeSpan.Zero ? 0 : (long)(ByteSize * 8 / Duration.TotalSeconds);
}

/// <summary>One LL-HLS partial segment: a contiguous byte range of segment <see cref="Sequence"/>.</summary>
public sealed record PartInfo(long Sequence, int Index, long StartPts, TimeSpan Duration, bool Independent, int Offset, int ByteSize);

/// <summary>Receives the segmenter's output; spans are valid only during the call (copy what you keep).</summary>
public interface ISegmentSink
{
    void OnPart(PartInfo part, ReadOnlySpan<byte> bytes);

    void OnSegment(SegmentInfo segment, ReadOnlySpan<byte> bytes);
}
