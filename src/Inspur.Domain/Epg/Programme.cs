using System.Globalization;
using Inspur.Domain.Channels;

namespace Inspur.Domain.Epg;

/// <summary>One EPG programme of one channel, times in UTC; its id is derived from channel and start, so a re-import keeps it.</summary>
public sealed record Programme(ChannelId ChannelId, DateTimeOffset Start, DateTimeOffset Stop, string Title)
{
    public string Id => IdFor(ChannelId, Start);

    public string? SubTitle { get; init; }

    public string? Description { get; init; }

    public string? Category { get; init; }

    public string? EpisodeNum { get; init; }

    public string? Rating { get; init; }

    public string? Icon { get; init; }

    public TimeSpan Duration => Stop - Start;

    /// <summary><c>{channel}-{startUnixSeconds}</c>.</summary>
    public static string IdFor(ChannelId channel, DateTimeOffset start) =>
        $"{channel}-{start.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Splits a programme id into its channel and start; false for anything that is not one.</summary>
    public static bool TryParseId(string? id, out ChannelId channel, out DateTimeOffset start)
    {
        channel = null!;
        start = default;
        if (id is null) return false;
        var dash = id.LastIndexOf('-');
        if (dash <= 0 || dash == id.Length - 1 || !ChannelId.IsValid(id[..dash])) return false;
        var digits = id[(dash + 1)..];
        if (digits.Length > 12 || !digits.All(char.IsAsciiDigit) || !long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            return false;
        channel = new ChannelId(id[..dash]);
        start = DateTimeOffset.FromUnixTimeSeconds(seconds);
        return true;
    }
}
