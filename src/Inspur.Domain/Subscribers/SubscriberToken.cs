using System.Globalization;
using Inspur.Domain.Security;
using Inspur.Domain.Sessions;

namespace Inspur.Domain.Subscribers;

/// <summary>What a subscriber access token asserts: this account signed in on this device, valid until <see cref="ExpiresAt"/>.</summary>
public sealed record SubscriberClaims(SubscriberId SubscriberId, string DeviceId, DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt);

/// <summary>What <see cref="SubscriberToken.Verify"/> found; <see cref="Claims"/> is set when valid or expired.</summary>
public readonly record struct SubscriberVerification(TokenStatus Status, SubscriberClaims? Claims, string Reason)
{
    public bool IsValid => Status == TokenStatus.Valid;
}

/// <summary>
/// A subscriber's access token (sent as <c>Authorization: Bearer …</c> by set-top boxes, apps and the portal):
/// <see cref="SignedToken"/> over <c>s1|subscriber|device|issuedAt|expiresAt</c> (Unix seconds). Checked by HMAC
/// alone; whether the account may still act (suspended, closed, tokens revoked since <see cref="SubscriberClaims.IssuedAt"/>)
/// is the subscriber entity's to say.
/// </summary>
public static class SubscriberToken
{
    public const int MaxLength = 512;

    private const string Version = "s1";

    public static string Sign(SubscriberClaims claims, TokenKeyRing keys)
    {
        if (Problem(claims) is { } problem) throw new ArgumentException(problem, nameof(claims));
        return SignedToken.Sign(string.Join('|', Version, claims.SubscriberId.Value, claims.DeviceId,
            claims.IssuedAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), claims.ExpiresAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)), keys);
    }

    public static SubscriberVerification Verify(ReadOnlySpan<char> token, TokenKeyRing keys, DateTimeOffset now)
    {
        if (SignedToken.Open(token, keys, MaxLength, out var reason) is not { } payload) return new(TokenStatus.Tampered, null, reason);
        if (Decode(payload) is not { } claims) return new(TokenStatus.Tampered, null, "the payload is garbled");
        return now >= claims.ExpiresAt
            ? new(TokenStatus.Expired, claims, $"the token expired at {claims.ExpiresAt.UtcDateTime:O}")
            : new(TokenStatus.Valid, claims, "valid");
    }

    /// <summary>Null when the claims can be signed, else what is wrong with them.</summary>
    public static string? Problem(SubscriberClaims? claims) => claims switch
    {
        null => "claims are required",
        { SubscriberId: null } => "a subscriber id is required",
        _ when !SubscriberId.IsValid(claims.SubscriberId.Value) => "the subscriber id is not valid",
        _ when !PartyId.IsValid(claims.DeviceId) => "the device id is not valid",
        _ when claims.ExpiresAt <= claims.IssuedAt => "the token must expire after it is issued",
        _ when claims.IssuedAt.ToUnixTimeSeconds() < 0 => "issued-at must be after 1970",
        _ => null,
    };

    private static SubscriberClaims? Decode(string payload)
    {
        var fields = payload.Split('|');
        if (fields.Length != 5 || fields[0] != Version || !SubscriberId.IsValid(fields[1])) return null;
        if (!long.TryParse(fields[3], NumberStyles.None, CultureInfo.InvariantCulture, out var issued) || issued > 253_402_300_799) return null;
        if (!long.TryParse(fields[4], NumberStyles.None, CultureInfo.InvariantCulture, out var expires) || expires > 253_402_300_799) return null;
        var claims = new SubscriberClaims(new SubscriberId(fields[1]), fields[2], DateTimeOffset.FromUnixTimeSeconds(issued), DateTimeOffset.FromUnixTimeSeconds(expires));
        return Problem(claims) is null ? claims : null;
    }
}
