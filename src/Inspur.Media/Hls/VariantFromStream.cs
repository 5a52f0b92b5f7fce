using Inspur.Media.Segmenting;

namespace Inspur.Media.Hls;

/// <summary>Builds a master playlist variant from what the segmenter measured: codecs, size, frame rate and bitrates.</summary>
public static class VariantFromStream
{
    /// <summary>
    /// BANDWIDTH is the peak segment bitrate, AVERAGE-BANDWIDTH the mean over <paramref name="segments"/> (RFC 8216
    /// §4.3.4.2), both including TS overhead since that is what players download.
    /// </summary>
    public static HlsVariant Create(string uri, StreamDescription stream, IReadOnlyCollection<SegmentInfo> segments)
    {
        if (segments.Count == 0) throw new ArgumentException("bitrates need at least one segment", nameof(segments));
        var bytes = segments.Sum(s => (long)s.ByteSize);
        var seconds = segments.Sum(s => s.Duration.TotalSeconds);
        return new HlsVariant(uri, segments.Max(s => s.Bitrate))
        {
            AverageBandwidth = (long)(bytes * 8 / seconds),
            Codecs = stream.Codecs.Length > 0 ? stream.Codecs : null,
            Resolution = stream.Video is { } v ? (v.Width, v.Height) : null,
            FrameRate = stream.Video is null ? null : stream.FrameRate,
        };
    }
}
