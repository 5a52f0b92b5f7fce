namespace Inspur.Media.Codecs;

/// <summary>An AAC ADTS frame header (ISO/IEC 13818-7 / 14496-3 1.A.2), read without allocating.</summary>
public readonly struct AdtsHeader
{
    public const int MinLength = 7;

    private static readonly int[] SampleRates = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];
    private static readonly string[] CodecStrings = ["mp4a.40.1", "mp4a.40.2", "mp4a.40.3", "mp4a.40.4"];

    private AdtsHeader(ReadOnlySpan<byte> b)
    {
        MpegVersion = (b[1] & 0x08) != 0 ? 2 : 4;
        ProtectionAbsent = (b[1] & 0x01) != 0;
        Profile = (b[2] >> 6) & 0x3;
        SamplingFrequencyIndex = (b[2] >> 2) & 0xF;
        ChannelConfiguration = ((b[2] & 0x1) << 2) | (b[3] >> 6);
        FrameLength = ((b[3] & 0x3) << 11) | (b[4] << 3) | (b[5] >> 5);
        BufferFullness = ((b[5] & 0x1F) << 6) | (b[6] >> 2);
        RawDataBlocks = (b[6] & 0x3) + 1;
    }

    /// <summary>2 for an MPEG-2 ADTS header (ID = 1), 4 for MPEG-4 (ID = 0).</summary>
    public int MpegVersion { get; }

    public bool ProtectionAbsent { get; }

    /// <summary>The 2-bit profile field; the MPEG-4 audio object type is <see cref="ObjectType"/>.</summary>
    public int Profile { get; }

    /// <summary>Audio object type: 1 Main, 2 LC, 3 SSR, 4 LTP. ADTS cannot signal SBR/PS (HE-AAC), which is implicit.</summary>
    public int ObjectType => Profile + 1;

    public int SamplingFrequencyIndex { get; }

    public int SampleRate => SampleRates[SamplingFrequencyIndex];

    /// <summary>0 means the channels are described by a program config element inside the payload.</summary>
    public int ChannelConfiguration { get; }

    public int Channels => ChannelConfiguration == 7 ? 8 : ChannelConfiguration;

    /// <summary>The whole frame, header included, in bytes.</summary>
    public int FrameLength { get; }

    public int HeaderLength => ProtectionAbsent ? 7 : 9;

    public int BufferFullness { get; }

    /// <summary>number_of_raw_data_blocks_in_frame + 1.</summary>
    public int RawDataBlocks { get; }

    /// <summary>PCM samples per channel the frame decodes to.</summary>
    public int Samples => RawDataBlocks * 1024;

    /// <summary>RFC 6381 codec string, <c>mp4a.40.</c> + object type (e.g. <c>mp4a.40.2</c> for AAC-LC).</summary>
    public string CodecString => CodecStrings[Profile];

    public AudioParameters ToAudioParameters() => new("aac", CodecString, SampleRate, Channels);

    /// <summary>
    /// Reads the header at the start of <paramref name="data"/>. False unless it has the syncword, layer 0, a defined
    /// sampling frequency and a frame length that covers the header; the frame itself may extend past the span.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> data, out AdtsHeader header)
    {
        header = default;
        if (data.Length < MinLength || data[0] != 0xFF || (data[1] & 0xF6) != 0xF0) return false;
        var candidate = new AdtsHeader(data);
        if (candidate.SamplingFrequencyIndex >= SampleRates.Length || candidate.FrameLength < candidate.HeaderLength) return false;
        header = candidate;
        return true;
    }
}

/// <summary>
/// Walks the ADTS frames of a buffer without allocating, skipping garbage: a header found after garbage is only
/// trusted when the next frame's header follows it (or the buffer ends exactly after it).
/// </summary>
public ref struct AdtsScanner(ReadOnlySpan<byte> buffer)
{
    private readonly ReadOnlySpan<byte> _buffer = buffer;
    private bool _synced;

    /// <summary>Where scanning continues; once <see cref="TryNext"/> returns false, the bytes from here on are an incomplete frame.</summary>
    public int Position { get; private set; }

    /// <summary>Bytes skipped as garbage so far.</summary>
    public int SkippedBytes { get; private set; }

    public bool TryNext(out AdtsHeader header, out ReadOnlySpan<byte> frame)
    {
        frame = default;
        while (true)
        {
            if (!_synced)
            {
                var sync = _buffer[Position..].IndexOf((byte)0xFF);
                if (sync < 0)
                {
                    SkippedBytes += _buffer.Length - Position;
                    Position = _buffer.Length;
                    header = default;
                    return false;
                }

                SkippedBytes += sync;
                Position += sync;
            }

            var rest = _buffer[Position..];
            if (rest.Length < AdtsHeader.MinLength)
            {
                header = default;
                return false;
            }

            if (AdtsHeader.TryParse(rest, out header) && (_synced || Confirmed(rest, header)))
            {
                if (header.FrameLength > rest.Length) return false;
                frame = rest[..header.FrameLength];
                Position += header.FrameLength;
                _synced = true;
                return true;
            }

            _synced = false;
            Position++;
            SkippedBytes++;
        }
    }

    private static bool Confirmed(ReadOnlySpan<byte> rest, in AdtsHeader header)
    {
        if (header.FrameLength >= rest.Length) return true;
        var next = rest[header.FrameLength..];
        if (next.Length < AdtsHeader.MinLength) return next[0] == 0xFF && (next.Length < 2 || (next[1] & 0xF6) == 0xF0);
        return AdtsHeader.TryParse(next, out var following) &&
               following.SamplingFrequencyIndex == header.SamplingFrequencyIndex &&
               following.ChannelConfiguration == header.ChannelConfiguration;
    }
}
