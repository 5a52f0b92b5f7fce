using System.Globalization;
using Inspur.Domain.Channels;
using Inspur.Domain.Sessions;
using static Inspur.Domain.Sessions.SessionReplies;

namespace Inspur.Host.Delivery;

/// <summary>
/// Issues signed playback URLs (<c>/p/{token}/…</c>, relative to the node) with the node's active key; the playback API
/// calls it after <c>ISessionService.StartAsync</c>. A token is valid for <see cref="Actors.Sessions.SessionSettings.TokenLifetime"/>.
/// </summary>
public sealed class PlaybackUrls(PlaybackSettings settings, TimeProvider time)
{
    /// <summary>Session ids of operator previews: no session entity stands behind them, so the gate reports no heartbeat for them.</summary>
    public const string PreviewSessionPrefix = "preview-";

    public static readonly TimeSpan PreviewLifetime = TimeSpan.FromHours(1);

    /// <summary>A token binding the session, subscriber, device and content, valid from now for the token lifetime (or less).</summary>
    public string Token(SessionId session, SessionStart start, TimeSpan? lifetime = null)
    {
        var now = time.GetUtcNow();
        var life = lifetime is { } l && l < settings.Sessions.TokenLifetime ? l : settings.Sessions.TokenLifetime;
        return PlaybackToken.Sign(new PlaybackClaims(session, start.SubscriberId, start.DeviceId, start.Content, now, now + life), settings.Keys);
    }

    /// <summary>Where a session's player starts: the live master playlist, or an archive playlist from its position that grows to now.</summary>
    public string Entry(SessionView session, string rendition = "main")
    {
        var token = Token(session.SessionId, session.Start);
        var channel = new ChannelId(session.Start.Content.Id);
        return session.Start.Content.Kind switch
        {
            ContentKind.Live => LiveMaster(token, channel),
            ContentKind.Archive => ArchiveFrom(token, channel, rendition, session.Position.At ?? session.StartedAt),
            _ => throw new NotSupportedException($"{session.Start.Content.Kind} playback is not served yet"),
        };
    }

    /// <summary>
    /// The admin preview's URL for a plain <c>/live/{channel}/…</c> or <c>/archive/{channel}/…</c> path: unchanged where
    /// tokens are not required, else the same path behind a token for the operator, good for <see cref="PreviewLifetime"/>.
    /// </summary>
    public string Preview(string plainPath)
    {
        if (!settings.RequireToken) return plainPath;
        var parts = plainPath.Split('/', 4);
        if (parts.Length < 4 || parts[0].Length != 0 || !PlaybackContent.TryParseKind(parts[1], out var kind) || kind == ContentKind.Vod) return plainPath;
        var channel = Uri.UnescapeDataString(parts[2]);
        if (!ChannelId.IsValid(channel)) return plainPath;
        var session = new SessionId($"{PreviewSessionPrefix}{Guid.NewGuid():N}"[..(PreviewSessionPrefix.Length + 20)]);
        return $"{PlaybackGate.Prefix}{Token(session, new SessionStart("operator", "admin-preview", new PlaybackContent(kind, channel)), PreviewLifetime)}{plainPath}";
    }

    public static string LiveMaster(string token, ChannelId channel) => $"{PlaybackGate.Prefix}{token}/live/{channel}/master.m3u8";

    /// <summary>An EVENT playlist from <paramref name="from"/> that grows as the archive does.</summary>
    public static string ArchiveFrom(string token, ChannelId channel, string rendition, DateTimeOffset from) =>
        string.Create(CultureInfo.InvariantCulture, $"{PlaybackGate.Prefix}{token}/archive/{channel}/{rendition}/index-{from.ToUnixTimeSeconds()}-now.m3u8");

    /// <summary>Catch-up of an EPG programme.</summary>
    public static string CatchUp(string token, ChannelId channel, string rendition, string programmeId) =>
        $"{PlaybackGate.Prefix}{token}/archive/{channel}/{rendition}/catchup/{Uri.EscapeDataString(programmeId)}.m3u8";

    /// <summary>Live, <paramref name="behind"/> the edge (pause-live, drag-back), from the archive.</summary>
    public static string TimeShift(string token, ChannelId channel, string rendition, TimeSpan behind) =>
        string.Create(CultureInfo.InvariantCulture, $"{PlaybackGate.Prefix}{token}/archive/{channel}/{rendition}/timeshift.m3u8?offset={(long)behind.TotalSeconds}");
}
