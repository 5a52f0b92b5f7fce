using System.Globalization;
using System.Security.Cryptography;
using Inspur.Domain.Security;

namespace Inspur.Domain.Subscribers;

/// <summary>
/// The short code a set-top box shows for device activation: <see cref="Length"/> characters of an alphabet without the
/// look-alikes 0/O and 1/I (32 symbols, 40 bits), shown grouped as <c>K7PM-Q4XD</c> and read back case-insensitively with
/// the dash and spaces optional.
/// </summary>
public static class ActivationCode
{
    public const string Alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    public const int Length = 8;

    public static string New() => string.Create(Length, 0, static (span, _) =>
    {
        for (var i = 0; i < span.Length; i++) span[i] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
    });

    /// <summary>The code in its canonical form (upper case, no dash), or null when the text is not a code.</summary>
    public static string? Normalize(string? text)
    {
        if (text is null || text.Length > 32) return null;
        Span<char> code = stackalloc char[Length];
        var n = 0;
        foreach (var c in text)
        {
            if (c is '-' or ' ') continue;
            var upper = char.ToUpperInvariant(c);
            if (n == Length || !Alphabet.Contains(upper)) return null;
            code[n++] = upper;
        }

        return n == Length ? new string(code) : null;
    }

    /// <summary>The code as the box shows it: two groups of four.</summary>
    public static string Display(string code) => $"{code[..4]}-{code[4..]}";
}

/// <summary>What <see cref="ActivationPollToken.Verify"/> found in an authentic poll token.</summary>
public sealed record ActivationPollClaims(string Code, string Nonce, DateTimeOffset ExpiresAt);

/// <summary>
/// The box's proof that it started an activation: <see cref="SignedToken"/> over <c>d1|code|nonce|expiresAt</c>. It carries
/// the code, so any node routes a poll to the code's entity without a lookup, and the nonce the entity keeps, so a token of
/// an earlier activation that had the same code is refused.
/// </summary>
public static class ActivationPollToken
{
    public const int MaxLength = 256;
    private const string Version = "d1";

    public static string NewNonce() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public static string Sign(ActivationPollClaims claims, TokenKeyRing keys) =>
        SignedToken.Sign(string.Join('|', Version, claims.Code, claims.Nonce, claims.ExpiresAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)), keys);

    /// <summary>The claims of an authentic token (expired or not: the caller compares <see cref="ActivationPollClaims.ExpiresAt"/>), or null with why not.</summary>
    public static ActivationPollClaims? Verify(ReadOnlySpan<char> token, TokenKeyRing keys, out string reason)
    {
        if (SignedToken.Open(token, keys, MaxLength, out reason) is not { } payload) return null;
        var fields = payload.Split('|');
        if (fields.Length == 4 && fields[0] == Version && ActivationCode.Normalize(fields[1]) == fields[1] && fields[2].Length == 32 &&
            long.TryParse(fields[3], NumberStyles.None, CultureInfo.InvariantCulture, out var expires) && expires <= 253_402_300_799)
            return new ActivationPollClaims(fields[1], fields[2], DateTimeOffset.FromUnixTimeSeconds(expires));
        reason = "the token is not a poll token";
        return null;
    }
}
