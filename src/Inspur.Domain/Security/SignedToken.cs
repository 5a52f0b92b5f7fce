using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Inspur.Domain.Security;

/// <summary>The outcome of checking a token: authentic and current, not authentic (or unreadable), or authentic but expired.</summary>
public enum TokenStatus
{
    Valid,
    Tampered,
    Expired,
}

/// <summary>
/// The HMAC-SHA256 keys a kind of token (playback, subscriber access) is signed with, by key id: one active key signs, every key verifies, so a key
/// can be rotated in (add it, then make it active) and out (remove it once the tokens it signed have expired).
/// </summary>
public sealed partial class TokenKeyRing
{
    public const int MinKeyBytes = 32;

    private readonly Dictionary<string, byte[]> _keys;
    private readonly Dictionary<string, byte[]>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public TokenKeyRing(IReadOnlyDictionary<string, byte[]> keys, string activeKeyId, string what = "playback")
    {
        if (keys.Count == 0) throw new ArgumentException($"at least one {what} key is required", nameof(keys));
        foreach (var (id, key) in keys)
        {
            if (!IsKeyId(id)) throw new ArgumentException($"{what} key id '{id}' must be 1-32 letters, digits, '_' or '-'", nameof(keys));
            if (key.Length < MinKeyBytes) throw new ArgumentException($"{what} key '{id}' has {key.Length} bytes; at least {MinKeyBytes} are required", nameof(keys));
        }

        if (!keys.ContainsKey(activeKeyId))
            throw new ArgumentException($"the active {what} key '{activeKeyId}' is not among the keys ({string.Join(", ", keys.Keys.Order())})", nameof(activeKeyId));
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
    public static TokenKeyRing FromBase64(IReadOnlyDictionary<string, string> keys, string? activeKeyId, string what = "playback",
        string signingSetting = "Inspur:Playback:SigningKey")
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
                throw new ArgumentException($"{what} key '{id}' is not base64", nameof(keys));
            }
        }

        if (string.IsNullOrWhiteSpace(activeKeyId))
        {
            if (decoded.Count > 1)
                throw new ArgumentException($"with {decoded.Count} {what} keys, name the one that signs ({signingSetting})", nameof(activeKeyId));
            activeKeyId = decoded.Keys.FirstOrDefault() ?? "";
        }

        return new TokenKeyRing(decoded, activeKeyId, what);
    }

    /// <summary>A random key known to this process only: tokens it signs die with it and no other node accepts them.</summary>
    public static TokenKeyRing Ephemeral(string what = "playback") =>
        new(new Dictionary<string, byte[]> { ["ephemeral"] = RandomNumberGenerator.GetBytes(MinKeyBytes) }, "ephemeral", what);

    public static bool IsKeyId(string? id) => id is not null && KeyIdPattern().IsMatch(id);

    internal byte[] Active => _keys[ActiveKeyId];

    internal bool TryGet(ReadOnlySpan<char> keyId, out byte[] key) => _lookup.TryGetValue(keyId, out key!);

    [GeneratedRegex(@"^[A-Za-z0-9_-]{1,32}\z", RegexOptions.CultureInvariant)]
    private static partial Regex KeyIdPattern();
}

/// <summary>
/// The envelope of our signed tokens (playback URLs, subscriber access): <c>{keyId}.{payload}.{signature}</c>, the
/// payload the base64url of a text, the signature the base64url of HMAC-SHA256 over <c>{keyId}.{payload}</c> with that
/// key. Pure; what the payload means is the caller's.
/// </summary>
public static class SignedToken
{
    private const int SignatureChars = 43; // base64url of 32 bytes, unpadded

    public static string Sign(string payload, TokenKeyRing keys)
    {
        var signed = $"{keys.ActiveKeyId}.{Base64Url.EncodeToString(Encoding.UTF8.GetBytes(payload))}";
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(keys.Active, Encoding.ASCII.GetBytes(signed), mac);
        return $"{signed}.{Base64Url.EncodeToString(mac)}";
    }

    /// <summary>
    /// The payload text of a token signed by a key of <paramref name="keys"/>, or null with the reason it is not one (a
    /// changed character, truncation, an unknown key, garbage, longer than <paramref name="maxLength"/>).
    /// </summary>
    public static string? Open(ReadOnlySpan<char> token, TokenKeyRing keys, int maxLength, out string reason)
    {
        reason = "valid";
        if (token.Length == 0 || token.Length > maxLength) return Refuse("the token is empty or too long", out reason);
        foreach (var c in token)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')) return Refuse("the token has characters a token never has", out reason);
        }

        var firstDot = token.IndexOf('.');
        var lastDot = token.LastIndexOf('.');
        if (firstDot <= 0 || lastDot == firstDot || token[(firstDot + 1)..lastDot].Contains('.')) return Refuse("the token is not keyId.payload.signature", out reason);
        if (!keys.TryGet(token[..firstDot], out var key)) return Refuse("the token is signed with an unknown key", out reason);
        var signature = token[(lastDot + 1)..];
        if (signature.Length != SignatureChars) return Refuse("the signature has the wrong length", out reason);

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
        if (!CryptographicOperations.FixedTimeEquals(expected, given)) return Refuse("the signature does not match", out reason);

        try
        {
            return Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token[(firstDot + 1)..lastDot]));
        }
        catch (FormatException)
        {
            return Refuse("the payload is garbled", out reason);
        }
    }

    private static string? Refuse(string why, out string reason)
    {
        reason = why;
        return null;
    }
}
