using System.Globalization;
using Inspur.Domain.Security;

namespace Inspur.Domain.Sessions;

/// <summary>What a playback token asserts: this session of this subscriber on this device may fetch this content until <see cref="ExpiresAt"/>.</summary>
public sealed record PlaybackClaims(SessionId SessionId, string SubscriberId, string DeviceId, PlaybackContent Content, DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt);

/// <summary>What <see cref="PlaybackToken.Verify"/> found; <see cref="Claims"/> is set for <see cref="TokenStatus.Valid"/> and <see cref="TokenStatus.Expired"/>.</summary>
public readonly record struct PlaybackVerification(TokenStatus Status, PlaybackClaims? Claims, string Reason)
{
    public bool IsValid => Status == TokenStatus.Valid;
}

/// <summary>
/// A compact, URL-safe, signed playback token: <c>{keyId}.{payload}.{signature}</c>, where the payload is the base64url of
/// <c>1|session|subscriber|device|kind|content|issuedAt|expiresAt</c> (Unix seconds) and the signature the base64url of
/// HMAC-SHA256 over <c>{keyId}.{payload}</c>. Pure: verifying needs the keys and the time, nothing else.
/// </summary>
public static class PlaybackToken
{
    /// <summary>Longer strings are refused before any work.</summary>
    public const int MaxLength = 640;

    private const string Version = "1";

    public static string Sign(PlaybackClaims claims, TokenKeyRing keys)
    {
        if (Problem(claims) is { } problem) throw new ArgumentException(problem, nameof(claims));
        var payload = string.Join('|', Version, claims.SessionId.Value, claims.SubscriberId, claims.DeviceId, PlaybackContent.KindName(claims.Content.Kind),
            claims.Content.Id, claims.IssuedAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            claims.ExpiresAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        return SignedToken.Sign(payload, keys);
    }

    /// <summary>
    /// Tampered for anything not signed by a key of <paramref name="keys"/> (a changed character, truncation, an unknown
    /// key, garbage); expired when authentic and <paramref name="now"/> is at or past its expiry; else valid.
    /// </summary>
    public static PlaybackVerification Verify(ReadOnlySpan<char> token, TokenKeyRing keys, DateTimeOffset now)
    {
        if (SignedToken.Open(token, keys, MaxLength, out var reason) is not { } payload) return Tampered(reason);
        if (Decode(payload) is not { } claims) return Tampered("the payload is garbled");
        return now >= claims.ExpiresAt
            ? new PlaybackVerification(TokenStatus.Expired, claims, $"the token expired at {claims.ExpiresAt.UtcDateTime:O}")
            : new PlaybackVerification(TokenStatus.Valid, claims, "valid");
    }

    /// <summary>Null when the claims can be signed, else what is wrong with them.</summary>
    public static string? Problem(PlaybackClaims? claims) => claims switch
    {
        null => "claims are required",
        { SessionId: null } or { SessionId.Value: null } => "a session id is required",
        _ when !SessionId.IsValid(claims.SessionId.Value) => "the session id is not valid",
        _ when !PartyId.IsValid(claims.SubscriberId) => "the subscriber id is not valid",
        _ when !PartyId.IsValid(claims.DeviceId) => "the device id is not valid",
        { Content: null } => "content is required",
        _ when !claims.Content.IsValid() => "the content is not valid",
        _ when claims.ExpiresAt <= claims.IssuedAt => "the token must expire after it is issued",
        _ when claims.IssuedAt.ToUnixTimeSeconds() < 0 => "issued-at must be after 1970",
        _ => null,
    };

    private static PlaybackClaims? Decode(string payload)
    {
        var fields = payload.Split('|');
        if (fields.Length != 8 || fields[0] != Version) return null;
        if (!PlaybackContent.TryParseKind(fields[4], out var kind)) return null;
        if (!long.TryParse(fields[6], NumberStyles.None, CultureInfo.InvariantCulture, out var issued) || issued > 253_402_300_799) return null;
        if (!long.TryParse(fields[7], NumberStyles.None, CultureInfo.InvariantCulture, out var expires) || expires > 253_402_300_799) return null;
        if (!SessionId.IsValid(fields[1])) return null;
        var claims = new PlaybackClaims(new SessionId(fields[1]), fields[2], fields[3], new PlaybackContent(kind, fields[5]),
            DateTimeOffset.FromUnixTimeSeconds(issued), DateTimeOffset.FromUnixTimeSeconds(expires));
        return Problem(claims) is null ? claims : null;
    }

    private static PlaybackVerification Tampered(string reason) => new(TokenStatus.Tampered, null, reason);
}
