namespace Inspur.Media.Codecs;

/// <summary>What a player and a master playlist need to know of a video stream, read from its sequence parameters.</summary>
public sealed record VideoParameters(string Codec, string CodecString, int Width, int Height, int Profile, int Level)
{
    public string Resolution => $"{Width}x{Height}";
}
