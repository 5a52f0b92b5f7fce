using Inspur.Actors.Sessions;
using Inspur.Domain.Security;
using Inspur.Domain.Sessions;

namespace Inspur.Host.Delivery;

/// <summary>
/// The delivery gate in front of routing: <c>/p/{token}/live/{channel}/…</c> and <c>/p/{token}/archive/{channel}/…</c> are
/// checked by HMAC alone (no actor is asked), against the path's content and the node's revocation list, answered 403
/// (bad, mismatched, revoked) or 410 (expired), and otherwise rewritten to the plain route the delivery endpoints serve.
/// Playlist URIs are relative, so everything a gated playlist names is fetched through the gate with the same token.
/// With <see cref="PlaybackSettings.RequireToken"/>, plain media routes answer 403.
/// </summary>
public sealed class PlaybackGate(RequestDelegate next, PlaybackSettings settings, PlaybackRevocationList revocations, SessionHeartbeats heartbeats, TimeProvider time)
{
    public const string Prefix = "/p/";

    /// <summary>The claims of the token a request came through, in <see cref="HttpContext.Items"/>.</summary>
    public static readonly object ClaimsKey = new();

    /// <summary>A token may live a little longer than the configured lifetime (clock steps between nodes), no more.</summary>
    private static readonly TimeSpan LifetimeSlack = TimeSpan.FromMinutes(1);

    public Task InvokeAsync(HttpContext http)
    {
        var path = http.Request.Path.Value ?? "";
        if (path.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase)) return GateAsync(http, path);
        if (settings.RequireToken && IsMedia(path))
            return Refuse(http, StatusCodes.Status403Forbidden, "Playback token required", "media is served only at /p/{token}/… on this node");
        return next(http);
    }

    /// <summary>Plain media routes a token protects; <c>/live</c> itself (what is live, JSON) stays open.</summary>
    public static bool IsMedia(string path) =>
        (path.StartsWith("/live/", StringComparison.OrdinalIgnoreCase) && path.Length > "/live/".Length) ||
        path.StartsWith("/archive/", StringComparison.OrdinalIgnoreCase);

    private Task GateAsync(HttpContext http, string path)
    {
        var rest = path.AsSpan(Prefix.Length);
        var slash = rest.IndexOf('/');
        var token = slash < 0 ? rest : rest[..slash];
        var media = slash < 0 ? ReadOnlySpan<char>.Empty : rest[slash..];

        var verdict = PlaybackToken.Verify(token, settings.Keys, time.GetUtcNow());
        switch (verdict.Status)
        {
            case TokenStatus.Tampered:
                return Refuse(http, StatusCodes.Status403Forbidden, "Invalid playback token", verdict.Reason);
            case TokenStatus.Expired:
                return Refuse(http, StatusCodes.Status410Gone, "Playback token expired", $"{verdict.Reason}; ask for a new playback URL");
        }

        var claims = verdict.Claims!;
        if (claims.ExpiresAt - claims.IssuedAt > settings.Sessions.TokenLifetime + LifetimeSlack)
            return Refuse(http, StatusCodes.Status403Forbidden, "Invalid playback token", $"the token lives longer than {settings.Sessions.TokenLifetime}");
        if (!Covers(claims.Content, media))
            return Refuse(http, StatusCodes.Status403Forbidden, "Playback token not for this content",
                $"the token is for {claims.Content}; this path is not /{PlaybackContent.KindName(claims.Content.Kind)}/{claims.Content.Id}/…");
        if (revocations.Check(claims) is var revoked and not RevokedBy.None)
        {
            // An ended session published its own revocation; a revoked subscriber's session learns it here and ends as revoked.
            if (revoked == RevokedBy.Subscriber) heartbeats.Refused(claims.SessionId);
            return Refuse(http, StatusCodes.Status403Forbidden, "Playback revoked", $"session '{claims.SessionId}' has ended or its subscriber was suspended");
        }

        if (!claims.SessionId.Value.StartsWith(PlaybackUrls.PreviewSessionPrefix, StringComparison.Ordinal)) heartbeats.Seen(claims.SessionId);
        http.Items[ClaimsKey] = claims;
        http.Request.Path = new PathString(media.ToString());
        return next(http);
    }

    /// <summary>The path is <c>/{kind}/{content id}/…</c> of exactly the token's content (VOD is served nowhere yet).</summary>
    private static bool Covers(PlaybackContent content, ReadOnlySpan<char> media)
    {
        if (content.Kind is not (ContentKind.Live or ContentKind.Archive) || media.Length < 2 || media[0] != '/') return false;
        var rest = media[1..];
        var slash = rest.IndexOf('/');
        if (slash < 0 || !rest[..slash].Equals(PlaybackContent.KindName(content.Kind), StringComparison.OrdinalIgnoreCase)) return false;
        rest = rest[(slash + 1)..];
        slash = rest.IndexOf('/');
        return slash > 0 && rest[..slash].SequenceEqual(content.Id.AsSpan()) && rest.Length > slash + 1;
    }

    private static Task Refuse(HttpContext http, int status, string title, string detail)
    {
        // Web players read the status cross-origin; a refusal is never cached.
        http.Response.Headers.AccessControlAllowOrigin = "*";
        http.Response.Headers.CacheControl = "no-store";
        return Results.Problem(detail, statusCode: status, title: title).ExecuteAsync(http);
    }
}

/// <summary>Puts the <see cref="PlaybackGate"/> in the pipeline; call before <c>UseRouting</c>, so its rewrite is what routing sees.</summary>
public static class PlaybackGateExtensions
{
    public static IApplicationBuilder UsePlaybackGate(this IApplicationBuilder app) => app.UseMiddleware<PlaybackGate>();
}
