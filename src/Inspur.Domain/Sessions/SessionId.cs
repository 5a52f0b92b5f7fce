using System.Text.RegularExpressions;
using Inspur.Domain.Channels;

namespace Inspur.Domain.Sessions;

/// <summary>Typed id of a playback session; safe in URLs and tokens.</summary>
public sealed partial record SessionId(string Value)
{
    /// <summary>Lower-case letters, digits and dashes, starting with a letter or digit, at most 64 characters.</summary>
    public static bool IsValid(string? value) => value is not null && Pattern().IsMatch(value);

    /// <summary>A fresh id, <c>ses-</c> and 20 hex digits.</summary>
    public static SessionId New() => new($"ses-{Guid.NewGuid():N}"[..24]);

    public override string ToString() => Value;

    [GeneratedRegex(@"^[a-z0-9][a-z0-9-]{0,63}\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}

/// <summary>Every message addressed to one session entity carries its id; the message extractor routes on it.</summary>
public interface IWithSessionId
{
    SessionId SessionId { get; }
}

/// <summary>What kind of content a playback is for; the token and the gate's path check name it.</summary>
public enum ContentKind
{
    /// <summary>A channel's live edge or time shift behind it, <c>/live/{channel}/…</c>.</summary>
    Live,

    /// <summary>A channel's archive (time shift, catch-up, start-over), <c>/archive/{channel}/…</c>.</summary>
    Archive,

    /// <summary>A VOD title; reserved, nothing serves it yet.</summary>
    Vod,
}

/// <summary>The content a session plays: its kind and the channel (or, later, VOD asset) id.</summary>
public sealed record PlaybackContent(ContentKind Kind, string Id)
{
    public static PlaybackContent Live(ChannelId channel) => new(ContentKind.Live, channel.Value);

    public static PlaybackContent Archive(ChannelId channel) => new(ContentKind.Archive, channel.Value);

    /// <summary>A defined kind and an id as channel ids are spelt.</summary>
    public bool IsValid() => Enum.IsDefined(Kind) && Id is not null && ChannelId.IsValid(Id);

    /// <summary>The kind as it appears in URLs and tokens: <c>live</c>, <c>archive</c>, <c>vod</c>.</summary>
    public static string KindName(ContentKind kind) => kind switch
    {
        ContentKind.Live => "live",
        ContentKind.Archive => "archive",
        ContentKind.Vod => "vod",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown content kind"),
    };

    public static bool TryParseKind(ReadOnlySpan<char> name, out ContentKind kind)
    {
        kind = name switch
        {
            "live" => ContentKind.Live,
            "archive" => ContentKind.Archive,
            "vod" => ContentKind.Vod,
            _ => (ContentKind)(-1),
        };
        return kind >= 0;
    }

    public override string ToString() => $"{KindName(Kind)}:{Id}";
}

/// <summary>How subscriber and device ids may be spelt where sessions and tokens carry them (MACs, serials, account numbers).</summary>
public static partial class PartyId
{
    public const int MaxLength = 128;

    /// <summary>Letters, digits and <c>. _ : @ -</c>, starting with a letter or digit, at most 128 characters.</summary>
    public static bool IsValid(string? value) => value is not null && Pattern().IsMatch(value);

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
