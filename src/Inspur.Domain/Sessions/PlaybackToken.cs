using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Inspur.Domain.Sessions;

/// <summary>What a playback token asserts: this session of this subscriber on this device may fetch this content until <see cref="ExpiresAt"/>.</summary>
public sealed record PlaybackClaims(SessionId SessionId, string SubscriberId, string DeviceId, PlaybackContent Content, DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt);

/// <summary>The outcome of checking a token: authentic and current, not authentic (or unreadable), or authentic but expired.</summary>
public enum PlaybackTokenStatus
{
    Valid,
    Tampered,
    Expired,
}

/// <summary>What <see cref="PlaybackToken.Verify"/> found; <see cref="Claims"/> is set for <see cref="PlaybackTokenStatus.Valid"/> and <see cref="PlaybackTokenStatus.Expired"/>.</summary>
public readonly record struct PlaybackVerification(PlaybackTokenStatus Status, PlaybackClaims? Claims, string Reason)
{
    public bool IsValid => Status == PlaybackTokenStatus.Valid;
}

/// <summary>
/// The HMAC-SHA256 keys playback tokens are signed with, by key id: one active key signs, every key verifies, so a key
/// can be rotated in (add it, then make it active) and out (remove it once the tokens it signed have expired).
/// </summary>
public sealed partial class PlaybackKeyRing
{
    public const int MinKeyBytes = 32;

    private readonly Dictionary<string, byte[]> _keys;
    private readonly Dictionary<string, byte[]>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public PlaybackKeyRing(IReadOnlyDictionary<string, byte[]> keys, string activeKeyId)
    {
        if (keys.Count == 0) throw new ArgumentException("at least one playback key is required", nameof(keys));
        foreach (var (id, key) in keys)
        {
            if (!IsKeyId(id)) throw new ArgumentException($"playback key id '{id}' must be 1-32 letters, digits, '_' or '-'", nameof(keys));
            if (key.Length < MinKeyBytes) throw new ArgumentException($"playback key '{id}' has {key.Length} bytes; at least {MinKeyBytes} are required", nameof(keys));
        }

        if (!keys.ContainsKey(activeKeyId))
            throw new ArgumentException($"the active playback key '{activeKeyId}' is not among the keys ({string.Join(", ", keys.Keys.Order())})", nameof(activeKeyId));
        _keys = keys.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray(), StringComparer.Ordinal);
        _lookup = _keys.GetAlternateLookup<ReadOnlySpan<char>>();
        ActiveKeyId = activeKeyId;
    }

    /// <summary>The key id new tokens are signed with.</summary>
    public string ActiveKeyId { get; }

    public IReadOnlyCollection<string> KeyIds => _keys.Keys;

    /// <summary>
    /// Keys as configured (<c>Inspur:Playback:Keys:&lt;keyId&gt;</c> = base64 of at least 32 bytes); the active one is
    /// <paramref name="activeKeyId"/>, or the only key when there is one. Throws <see cref="ArgumentException"/> naming what is wrong.
    /// </summary>
    public static PlaybackKeyRing FromBase64(IReadOnlyDictionary<string, string> keys, string? activeKeyId)
    {
        var decoded = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var (id, text) in keys)
        {
            try
            {
                decoded[id] = Convert.FromBase64String(text.Trim());
            }
            catch (FormatException)
            {
                throw new ArgumentException($"playback key '{id}' is not base64", nameof(keys));
            }
        }

        if (string.IsNullOrWhiteSpace(activeKeyId))
        {
            if (decoded.Count > 1)
                throw new ArgumentException($"with {decoded.Count} playback keys, name the one that signs (Inspur:Playback:SigningKey)", nameof(activeKeyId));
            activeKeyId = decoded.Keys.FirstOrDefault() ?? "";
        }

        return new PlaybackKeyRing(decoded, activeKeyId);
    }

    /// <summary>A random key known to this process only: tokens it signs die with it and no other node accepts them.</summary>
    public static PlaybackKeyRing Ephemeral() =>
        new(new Dictionary<string, byte[]> { ["ephemeral"] = RandomNumberGenerator.GetBytes(MinKeyBytes) }, "ephemeral");

    public static bool IsKeyId(string? id) => id is not null && KeyIdPattern().IsMatch(id);

    internal byte[] Active => _keys[ActiveKeyId];

    internal bool TryGet(ReadOnlySpan<char> keyId, out byte[] key) => _lookup.TryGetValue(keyId, out key!);

    [GeneratedRegex(@"^[A-Za-z0-9_-]{1,32}\z", RegexOptions.CultureInvariant)]
    private static partial Regex KeyIdPattern();
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
    private const int SignatureChars = 43; // base64url of 32 bytes, unpadded

    public static string Sign(PlaybackClaims claims, PlaybackKeyRing keys)
    {
        if (Problem(claims) is { } problem) throw new ArgumentException(problem, nameof(claims));
        var payload = string.Join('|', Version, claims.SessionId.Value, claims.SubscriberId, claims.DeviceId, PlaybackContent.KindName(claims.Content.Kind),
            claims.Content.Id, claims.IssuedAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            claims.ExpiresAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        var signed = $"{keys.ActiveKeyId}.{Base64Url.EncodeToString(Encoding.UTF8.GetBytes(payload))}";
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(keys.Active, Encoding.ASCII.GetBytes(signed), mac);
        return $"{signed}.{Base64Url.EncodeToString(mac)}";
    }

    /// <summary>
    /// Tampered for anything not signed by a key of <paramref name="keys"/> (a changed character, truncation, an unknown
    /// key, garbage); expired when authentic and <paramref name="now"/> is at or past its expiry; else valid.
    /// </summary>
    public static PlaybackVerification Verify(ReadOnlySpan<char> token, PlaybackKeyRing keys, DateTimeOffset now)
    {
        if (token.Length is 0 or > MaxLength) return Tampered("the token is empty or too long");
        foreach (var c in token)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')) return Tampered("the token has characters a token never has");
        }

        var firstDot = token.IndexOf('.');
        var lastDot = token.LastIndexOf('.');
        if (firstDot <= 0 || lastDot == firstDot || token[(firstDot + 1)..lastDot].Contains('.')) return Tampered("the token is not keyId.payload.signature");
        if (!keys.TryGet(token[..firstDot], out var key)) return Tampered("the token is signed with an unknown key");
        var signature = token[(lastDot + 1)..];
        if (signature.Length != SignatureChars) return Tampered("the signature has the wrong length");

        var signed = token[..lastDot];
        Span<byte> signedBytes = signed.Length <= 512 ? stackalloc byte[signed.Length] : new byte[signed.Length];
        Encoding.ASCII.GetBytes(signed, signedBytes);
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(key, signedBytes, mac);
        // Compared as the base64url text, so no second spelling of the same bytes (unused low bits) is accepted.
        Span<byte> expected = stackalloc byte[SignatureChars];
        Base64Url.EncodeToUtf8(mac, expected);
        Span<byte> given = stackalloc byte[SignatureChars];
        Encoding.ASCII.GetBytes(signature, given);
        if (!CryptographicOperations.FixedTimeEquals(expected, given)) return Tampered("the signature does not match");

        if (Decode(token[(firstDot + 1)..lastDot]) is not { } claims) return Tampered("the payload is garbled");
        return now >= claims.ExpiresAt
            ? new PlaybackVerification(PlaybackTokenStatus.Expired, claims, $"the token expired at {claims.ExpiresAt.UtcDateTime:O}")
            : new PlaybackVerification(PlaybackTokenStatus.Valid, claims, "valid");
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

    private static PlaybackClaims? Decode(ReadOnlySpan<char> payload)
    {
        byte[] bytes;
        try
        {
            bytes = Base64Url.DecodeFromChars(payload);
        }
        catch (FormatException)
        {
            return null;
        }

        var fields = Encoding.UTF8.GetString(bytes).Split('|');
        if (fields.Length != 8 || fields[0] != Version) return null;
        if (!PlaybackContent.TryParseKind(fields[4], out var kind)) return null;
        if (!long.TryParse(fields[6], NumberStyles.None, CultureInfo.InvariantCulture, out var issued) || issued > 253_402_300_799) return null;
        if (!long.TryParse(fields[7], NumberStyles.None, CultureInfo.InvariantCulture, out var expires) || expires > 253_402_300_799) return null;
        if (!SessionId.IsValid(fields[1])) return null;
        var claims = new PlaybackClaims(new SessionId(fields[1]), fields[2], fields[3], new PlaybackContent(kind, fields[5]),
            DateTimeOffset.FromUnixTimeSeconds(issued), DateTimeOffset.FromUnixTimeSeconds(expires));
        return Problem(claims) is null ? claims : null;
    }

    private static PlaybackVerification Tampered(string reason) => new(PlaybackTokenStatus.Tampered, null, reason);
}
