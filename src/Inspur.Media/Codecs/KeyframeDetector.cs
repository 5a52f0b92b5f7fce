namespace Inspur.Media.Codecs;

/// <summary>Whether an access unit is a keyframe, once its first coded picture has been seen.</summary>
public enum KeyframeDecision
{
    Unknown,
    Keyframe,
    NotKeyframe,
}

/// <summary>
/// Tells whether a video access unit starts a GOP, from the payload of its PES fed piece by piece (e.g. one TS packet
/// payload at a time), as soon as the first coded picture appears: an H.264 IDR slice, an H.265 BLA/IDR/CRA slice or an
/// MPEG-2 I picture is a keyframe; any other first slice or picture is not. Start codes may straddle pieces.
/// </summary>
/// <remarks>
/// Per PES: <see cref="Reset"/> at the packet with payload_unit_start_indicator, then <see cref="Push"/> the payload after
/// the PES header and each following payload of that PID until the result is no longer <see cref="KeyframeDecision.Unknown"/>.
/// Once decided, <see cref="Push"/> returns the decision without looking at its argument.
/// </remarks>
public sealed class KeyframeDetector(VideoCodec codec)
{
    private NalScanner _scanner = new(codec);
    private int _pictureBytesNeeded;

    public VideoCodec Codec => codec;

    public KeyframeDecision Decision { get; private set; }

    public void Reset()
    {
        _scanner.Reset();
        _pictureBytesNeeded = 0;
        Decision = KeyframeDecision.Unknown;
    }

    public KeyframeDecision Push(ReadOnlySpan<byte> piece)
    {
        if (Decision != KeyframeDecision.Unknown) return Decision;
        if (_pictureBytesNeeded > 0) return AwaitPictureType(piece, 0);

        var position = 0;
        while (_scanner.TryFindNext(piece, ref position, out var start))
        {
            switch (codec)
            {
                case VideoCodec.H264 when H264.IsVcl(start.Type):
                    return Decision = H264.IsKeyframeNal(start.Type) ? KeyframeDecision.Keyframe : KeyframeDecision.NotKeyframe;
                case VideoCodec.H265 when H265.IsVcl(start.Type):
                    return Decision = H265.IsKeyframeNal(start.Type) ? KeyframeDecision.Keyframe : KeyframeDecision.NotKeyframe;
                case VideoCodec.Mpeg2 when start.Header == Mpeg2Video.PictureStartCode:
                    // picture_coding_type sits in the second byte after the start code value.
                    _pictureBytesNeeded = 2;
                    return AwaitPictureType(piece, start.Offset + 1);
            }
        }

        return KeyframeDecision.Unknown;
    }

    private KeyframeDecision AwaitPictureType(ReadOnlySpan<byte> piece, int from)
    {
        var available = piece.Length - from;
        if (available < _pictureBytesNeeded)
        {
            _pictureBytesNeeded -= available;
            return KeyframeDecision.Unknown;
        }

        var type = Mpeg2Video.PictureTypeOf(piece[from + _pictureBytesNeeded - 1]);
        _pictureBytesNeeded = 0;
        return Decision = type == Mpeg2PictureType.I ? KeyframeDecision.Keyframe : KeyframeDecision.NotKeyframe;
    }
}
