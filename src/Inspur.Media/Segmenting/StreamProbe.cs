using System.Globalization;
using Inspur.Media.Codecs;
using Inspur.Media.Ts;

namespace Inspur.Media.Segmenting;

/// <summary>
/// The codecs of a program as a master playlist and a channel need them: codec strings (RFC 6381), resolution, frame
/// rate, and whether the stream can go out as it is or must be transcoded to H.264/AAC for HLS players.
/// </summary>
public sealed record StreamDescription(VideoParameters? Video, AudioParameters? Audio, double? FrameRate, StreamKind VideoKind, StreamKind AudioKind)
{
    /// <summary>The CODECS attribute value, e.g. <c>avc1.64001f,mp4a.40.2</c>.</summary>
    public string Codecs => string.Join(",", new[] { Video?.CodecString, Audio?.CodecString }.Where(c => c is not null));

    /// <summary>FRAME-RATE as HLS writes it (three decimals), or null when not yet measured.</summary>
    public string? FrameRateText => FrameRate?.ToString("0.000", CultureInfo.InvariantCulture);

    /// <summary>Why this stream cannot be passed through to HLS players as it is; null when it can.</summary>
    public string? TranscodeReason =>
        VideoKind is StreamKind.Mpeg2Video ? "MPEG-2 video is not playable by HLS clients; transcode to H.264"
        : AudioKind is StreamKind.Mpeg1Audio ? "MPEG-1 layer II audio is not playable by HLS clients; transcode to AAC"
        : AudioKind is StreamKind.Ac3 or StreamKind.Eac3 ? "(E-)AC-3 audio is not playable in browsers; transcode to AAC"
        : VideoKind is StreamKind.Unknown && AudioKind is StreamKind.Unknown ? "no known video or audio stream"
        : null;
}

/// <summary>
/// Watches the first access units of the video and audio PIDs until it has their parameters, then stops looking
/// (so it costs nothing on the hot path afterwards).
/// </summary>
internal sealed class StreamProbe
{
    private const int MaxAccessUnits = 200;
    private readonly ElementaryStream? _videoStream;
    private readonly ElementaryStream? _audioStream;
    private readonly PesAssembler _video = new(1 << 20);
    private readonly PesAssembler _audio = new(1 << 16);
    private readonly PesAssembler.PesHandler _onVideo;
    private readonly PesAssembler.PesHandler _onAudio;
    private VideoParameters? _videoParameters;
    private AudioParameters? _audioParameters;
    private int _videoUnits;
    private int _audioUnits;

    public StreamProbe(ElementaryStream? video, ElementaryStream? audio)
    {
        _videoStream = video;
        _audioStream = audio;
        _onVideo = OnVideo;
        _onAudio = OnAudio;
    }

    public bool Done =>
        (_videoStream is null || _videoParameters is not null || _videoUnits >= MaxAccessUnits) &&
        (_audioStream is null || _audioParameters is not null || _audioUnits >= MaxAccessUnits || _audioStream.Kind != StreamKind.Aac);

    public void Push(int pid, ReadOnlySpan<byte> payload, bool unitStart)
    {
        if (_videoStream is not null && pid == _videoStream.Pid && _videoParameters is null && _videoUnits < MaxAccessUnits)
            _video.Push(payload, unitStart, _onVideo);
        else if (_audioStream is not null && pid == _audioStream.Pid && _audioParameters is null && _audioUnits < MaxAccessUnits)
            _audio.Push(payload, unitStart, _onAudio);
    }

    public StreamDescription Describe(double? frameRate) =>
        new(_videoParameters, _audioParameters, frameRate, _videoStream?.Kind ?? StreamKind.Unknown, _audioStream?.Kind ?? StreamKind.Unknown);

    private void OnVideo(in PesHeader header, ReadOnlySpan<byte> es)
    {
        _videoUnits++;
        var kind = _videoStream!.Kind;
        var rest = es;
        while (NextStartCode(rest) is var start and >= 0)
        {
            var unit = rest[(start + 3)..];
            var end = NextStartCode(unit);
            var nal = end < 0 ? unit : unit[..end];
            if (nal.Length > 0)
            {
                VideoParameters? found = kind switch
                {
                    StreamKind.H264 when (nal[0] & 0x1F) == 7 && H264Sps.TryParse(nal, out var p) => p,
                    StreamKind.H265 when ((nal[0] >> 1) & 0x3F) == 33 && H265Sps.TryParse(nal, out var p) => p,
                    StreamKind.Mpeg2Video when nal[0] == 0xB3 && Mpeg2Sequence.TryParse(rest[start..], out var p) => p,
                    _ => null,
                };
                if (found is not null)
                {
                    _videoParameters = found;
                    return;
                }
            }

            rest = unit;
        }
    }

    private void OnAudio(in PesHeader header, ReadOnlySpan<byte> es)
    {
        _audioUnits++;
        if (_audioStream!.Kind == StreamKind.Aac && Adts.TryParse(es, out var parameters, out _)) _audioParameters = parameters;
    }

    private static int NextStartCode(ReadOnlySpan<byte> data)
    {
        ReadOnlySpan<byte> pattern = [0, 0, 1];
        return data.IndexOf(pattern);
    }
}
