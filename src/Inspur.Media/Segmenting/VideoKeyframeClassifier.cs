using Inspur.Media.Ts;

namespace Inspur.Media.Segmenting;

/// <summary>Whether an access unit is a keyframe, decided from the first VCL NAL unit or picture header of its PES.</summary>
internal enum KeyframeDecision
{
    Unknown,
    Keyframe,
    NotKeyframe,
}

/// <summary>
/// Scans the start of a video PES, fed piece by piece (start codes may straddle pieces), until it meets the first
/// coded picture: an H.264 IDR or H.265 IRAP NAL, or an MPEG-2 I picture, is a keyframe.
/// </summary>
internal sealed class VideoKeyframeClassifier
{
    private readonly StreamKind _kind;
    private int _zeros;
    private bool _afterStartCode;
    private bool _mpeg2Picture;
    private int _mpeg2Skip;

    public VideoKeyframeClassifier(StreamKind kind) => _kind = kind;

    public void Reset()
    {
        _zeros = 0;
        _afterStartCode = false;
        _mpeg2Picture = false;
        _mpeg2Skip = 0;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public KeyframeDecision Push(ReadOnlySpan<byte> data)
    {
        for (var i = 0; i < data.Length; i++)
        {
            var b = data[i];
            if (_mpeg2Picture)
            {
                // picture_start_code is followed by 10 bits temporal_reference, then 3 bits picture_coding_type.
                if (_mpeg2Skip++ == 1)
                {
                    var type = (b >> 3) & 0x7;
                    return type == 1 ? KeyframeDecision.Keyframe : KeyframeDecision.NotKeyframe;
                }

                continue;
            }

            if (_afterStartCode)
            {
                _afterStartCode = false;
                var decision = Classify(b);
                if (decision != KeyframeDecision.Unknown) return decision;
                _zeros = b == 0 ? 1 : 0;
                continue;
            }

            if (b == 0)
            {
                _zeros++;
            }
            else
            {
                if (b == 1 && _zeros >= 2) _afterStartCode = true;
                _zeros = 0;
            }

            // Fast path: jump to the next possible start code.
            if (!_afterStartCode && _zeros == 0 && i + 1 < data.Length)
            {
                var next = data[(i + 1)..].IndexOf((byte)0);
                if (next < 0) return KeyframeDecision.Unknown;
                i += next;
            }
        }

        return KeyframeDecision.Unknown;
    }

    private KeyframeDecision Classify(byte header)
    {
        switch (_kind)
        {
            case StreamKind.H264:
                {
                    var type = header & 0x1F;
                    if (type == 5) return KeyframeDecision.Keyframe;
                    return type is >= 1 and <= 4 ? KeyframeDecision.NotKeyframe : KeyframeDecision.Unknown;
                }
            case StreamKind.H265:
                {
                    var type = (header >> 1) & 0x3F;
                    if (type is >= 16 and <= 21) return KeyframeDecision.Keyframe;
                    return type <= 31 ? KeyframeDecision.NotKeyframe : KeyframeDecision.Unknown;
                }
            case StreamKind.Mpeg2Video:
                if (header == 0x00)
                {
                    _mpeg2Picture = true;
                    _mpeg2Skip = 0;
                }

                return KeyframeDecision.Unknown;
            default:
                return KeyframeDecision.Keyframe;
        }
    }
}
