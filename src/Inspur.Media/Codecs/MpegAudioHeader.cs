namespace Inspur.Media.Codecs;

/// <summary>An MPEG-1/2/2.5 audio frame header (layers I–III; MP2 is what broadcast feeds carry), read without allocating.</summary>
public readonly struct MpegAudioHeader
{
    public const int Length = 4;

    private static readonly short[] Bitrates =
    [
        0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448, // MPEG-1 layer I
        0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384, // MPEG-1 layer II
        0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, // MPEG-1 layer III
        0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256, // MPEG-2/2.5 layer I
        0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, // MPEG-2/2.5 layers II and III
    ];

    private static readonly int[] SampleRates = [44100, 48000, 32000];

    private MpegAudioHeader(int version, int layer, bool protectionAbsent, int bitrate, int sampleRate, bool padding, int channelMode)
    {
        Version = version;
        Layer = layer;
        ProtectionAbsent = protectionAbsent;
        Bitrate = bitrate;
        SampleRate = sampleRate;
        Padding = padding;
        ChannelMode = channelMode;
    }

    /// <summary>1 for MPEG-1, 2 for MPEG-2 LSF, 25 for MPEG-2.5.</summary>
    public int Version { get; }

    public int Layer { get; }

    public bool ProtectionAbsent { get; }

    /// <summary>Bits per second.</summary>
    public int Bitrate { get; }

    public int SampleRate { get; }

    public bool Padding { get; }

    /// <summary>0 stereo, 1 joint stereo, 2 dual channel, 3 single channel.</summary>
    public int ChannelMode { get; }

    public int Channels => ChannelMode == 3 ? 1 : 2;

    public int SamplesPerFrame => Layer == 1 ? 384 : Layer == 3 && Version != 1 ? 576 : 1152;

    /// <summary>The whole frame, header included, in bytes.</summary>
    public int FrameLength => Layer == 1
        ? (12 * Bitrate / SampleRate + (Padding ? 1 : 0)) * 4
        : SamplesPerFrame / 8 * Bitrate / SampleRate + (Padding ? 1 : 0);

    /// <summary>RFC 6381 codec string: <c>mp4a.40.34</c> for layer III, else the MP4 object type of MPEG-1 (6B) or MPEG-2 (69) audio.</summary>
    public string CodecString => Layer == 3 ? "mp4a.40.34" : Version == 1 ? "mp4a.6B" : "mp4a.69";

    public AudioParameters ToAudioParameters() => new(Layer switch { 1 => "mp1", 2 => "mp2", _ => "mp3" }, CodecString, SampleRate, Channels);

    /// <summary>Reads the header at the start of <paramref name="data"/>; false for reserved values and free-format streams.</summary>
    public static bool TryParse(ReadOnlySpan<byte> data, out MpegAudioHeader header)
    {
        header = default;
        if (data.Length < Length || data[0] != 0xFF || (data[1] & 0xE0) != 0xE0) return false;
        var versionBits = (data[1] >> 3) & 0x3;
        var layerBits = (data[1] >> 1) & 0x3;
        var bitrateIndex = data[2] >> 4;
        var rateIndex = (data[2] >> 2) & 0x3;
        if (versionBits == 1 || layerBits == 0 || bitrateIndex is 0 or 15 || rateIndex == 3) return false;
        var version = versionBits switch { 3 => 1, 2 => 2, _ => 25 };
        var layer = 4 - layerBits;
        var table = version == 1 ? layer - 1 : layer == 1 ? 3 : 4;
        var sampleRate = SampleRates[rateIndex] / (version == 1 ? 1 : version == 2 ? 2 : 4);
        header = new MpegAudioHeader(version, layer, (data[1] & 1) != 0, Bitrates[table * 15 + bitrateIndex] * 1000, sampleRate,
            (data[2] & 0x2) != 0, data[3] >> 6);
        return true;
    }
}
