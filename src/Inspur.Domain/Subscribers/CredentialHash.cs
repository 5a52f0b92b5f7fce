using System.Security.Cryptography;
using System.Text;

namespace Inspur.Domain.Subscribers;

/// <summary>
/// A salted PBKDF2-SHA256 hash of a password or PIN: the only form a sign-in secret is ever stored or sent in. Computing one
/// is deliberate CPU work (<see cref="Iterations"/> rounds), so callers do it off the actor's message loop.
/// </summary>
public sealed record CredentialHash(string Salt, string Hash, int Iterations)
{
    public const int DefaultIterations = 100_000;
    public const int MinPasswordLength = 8;
    public const int MaxPasswordLength = 128;
    public const int MinPinLength = 4;
    public const int MaxPinLength = 8;

    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    public static CredentialHash Create(string secret, int iterations = DefaultIterations)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        return new(Convert.ToBase64String(salt), Convert.ToBase64String(Derive(secret, salt, iterations)), iterations);
    }

    /// <summary>Whether <paramref name="secret"/> is the one hashed, compared in fixed time; a malformed hash matches nothing.</summary>
    public bool Matches(string secret)
    {
        try
        {
            var expected = Convert.FromBase64String(Hash);
            return Iterations > 0 && CryptographicOperations.FixedTimeEquals(Derive(secret, Convert.FromBase64String(Salt), Iterations), expected);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>Null when the password may be set: 8-128 characters, no control characters.</summary>
    public static string? PasswordProblem(string? password) =>
        password is null || password.Length is < MinPasswordLength or > MaxPasswordLength || password.Any(char.IsControl)
            ? $"password must be {MinPasswordLength}-{MaxPasswordLength} characters without control characters"
            : null;

    /// <summary>Null when the PIN may be set: 4-8 ASCII digits.</summary>
    public static string? PinProblem(string? pin) =>
        pin is null || pin.Length is < MinPinLength or > MaxPinLength || !pin.All(char.IsAsciiDigit)
            ? $"pin must be {MinPinLength}-{MaxPinLength} digits"
            : null;

    private static byte[] Derive(string secret, byte[] salt, int iterations) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(secret), salt, iterations, HashAlgorithmName.SHA256, HashBytes);

    public override string ToString() => $"pbkdf2-sha256:{Iterations}:…";
}
