namespace Inspur.Media.Codecs;

/// <summary>What a master playlist and a transcoder need to know of an audio stream.</summary>
public sealed record AudioParameters(string Codec, string CodecString, int SampleRate, int Channels);

/// <summary>Reads the audio parameters of an ADTS stream from its first frame header; see <see cref="AdtsHeader"/>.</summary>
public static class Adts
{
    public static bool TryParse(ReadOnlySpan<byte> frame, out AudioParameters parameters, out int frameLength)
    {
        if (!AdtsHeader.TryParse(frame, out var header))
        {
            parameters = null!;
            frameLength = 0;
            return false;
        }

        parameters = header.ToAudioParameters();
        frameLength = header.FrameLength;
        return true;
    }
}
