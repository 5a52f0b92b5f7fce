using Inspur.Domain.Channels;

namespace Inspur.Domain.Epg;

/// <summary>Maps XMLTV channel ids to our channels; an id that is itself a valid <see cref="ChannelId"/> maps to itself unless mapped.</summary>
public sealed record EpgChannelMap(IReadOnlyDictionary<string, ChannelId> Entries)
{
    public const int MaxEntries = 10_000;

    public static readonly EpgChannelMap Identity = new(new Dictionary<string, ChannelId>());

    public ChannelId? Resolve(string xmltvId) =>
        Entries.TryGetValue(xmltvId, out var mapped) ? mapped : ChannelId.IsValid(xmltvId) ? new ChannelId(xmltvId) : null;

    /// <summary>Parses <c>xmltvId:channelId,...</c> (the channel id after the last colon); null or empty is the identity map.</summary>
    public static bool TryParse(string? text, out EpgChannelMap map, out string error)
    {
        map = Identity;
        error = "";
        if (string.IsNullOrWhiteSpace(text)) return true;
        var entries = new Dictionary<string, ChannelId>(StringComparer.Ordinal);
        foreach (var pair in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = pair.LastIndexOf(':');
            if (colon <= 0 || colon == pair.Length - 1)
            {
                error = $"'{Cut(pair)}' is not xmltvId:channelId";
                return false;
            }

            var (xmltv, ours) = (pair[..colon], pair[(colon + 1)..]);
            if (!ChannelId.IsValid(ours))
            {
                error = $"'{Cut(ours)}' in '{Cut(pair)}' is not a channel id (1-64 lower-case letters, digits or dashes)";
                return false;
            }

            if (!entries.TryAdd(xmltv, new ChannelId(ours)))
            {
                error = $"'{Cut(xmltv)}' is mapped twice";
                return false;
            }
        }

        if (entries.Count > MaxEntries)
        {
            error = $"at most {MaxEntries} entries";
            return false;
        }

        map = new EpgChannelMap(entries);
        return true;
    }

    public override string ToString() => string.Join(',', Entries.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key}:{e.Value}"));

    public bool Equals(EpgChannelMap? other) => other is not null && ToString() == other.ToString();

    public override int GetHashCode() => ToString().GetHashCode(StringComparison.Ordinal);

    private static string Cut(string s) => s.Length <= 80 ? s : s[..80] + "…";
}
