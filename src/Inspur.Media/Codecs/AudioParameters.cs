using System.Globalization;

namespace Inspur.Media.Codecs;

/// <summary>What a master playlist and a transcoder need to know of an audio stream.</summary>
public sealed record AudioParameters(string Codec, string CodecString, int SampleRate, int Channels);

/// <summary>AAC ADTS header: object type, sample rate, channels, frame length.</summary>
public static class Adts
{
    private static readonly int[] Rates = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];

    public static bool TryParse(ReadOnlySpan<byte> frame, out AudioParameters parameters, out int frameLength)
    {
        parameters = null!;
        frameLength = 0;
        if (frame.Length < 7 || frame[0] != 0xFF || (frame[1] & 0xF6) != 0xF0) return false;
        var objectType = ((frame[2] >> 6) & 0x3) + 1;
        var rateIndex = (frame[2] >> 2) & 0xF;
        var channels = ((frame[2] & 0x1) << 2) | (frame[3] >> 6);
        frameLength = ((frame[3] & 0x3) << 11) | (frame[4] << 3) | (frame[5] >> 5);
        if (rateIndex >= Rates.Length || frameLength < 7) return false;
        parameters = new AudioParameters("aac", string.Create(CultureInfo.InvariantCulture, $"mp4a.40.{objectType}"), Rates[rateIndex], channels == 7 ? 8 : channels);
        return true;
    }
}
