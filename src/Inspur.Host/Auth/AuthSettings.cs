using Inspur.Domain.Security;

namespace Inspur.Host.Auth;

/// <summary>
/// Subscriber access tokens (section <c>Inspur:Auth</c>): <c>Keys:&lt;keyId&gt;</c> (base64, ≥ 32 bytes; every node the same),
/// <c>SigningKey</c> (which one signs; the only one by default) and <c>TokenLifetime</c> (default 12 h). Without keys a node
/// signs with a random key of its own: tokens then die with the process and work on no other node.
/// </summary>
public sealed record AuthSettings
{
    public const string Section = "Inspur:Auth";
    public static readonly TimeSpan DefaultTokenLifetime = TimeSpan.FromHours(12);

    public required TokenKeyRing Keys { get; init; }

    public bool EphemeralKeys { get; init; }

    public TimeSpan TokenLifetime { get; init; } = DefaultTokenLifetime;

    public static AuthSettings Read(IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        var (keys, ephemeral) = TokenKeys.Read(section, "access");
        var lifetime = DefaultTokenLifetime;
        if (section["TokenLifetime"] is { Length: > 0 } text &&
            (!TimeSpan.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out lifetime) || lifetime <= TimeSpan.Zero || lifetime > TimeSpan.FromDays(90)))
            throw new InvalidOperationException($"{Section}:TokenLifetime: '{text}' must be a time span between 00:00:01 and 90.00:00:00");
        return new AuthSettings { Keys = keys, EphemeralKeys = ephemeral, TokenLifetime = lifetime };
    }
}

/// <summary>An HMAC key ring from a configuration section's <c>Keys</c> and <c>SigningKey</c>, or a random one when none is configured.</summary>
public static class TokenKeys
{
    public static (TokenKeyRing Keys, bool Ephemeral) Read(IConfigurationSection section, string what)
    {
        var keys = section.GetSection("Keys").GetChildren().Where(c => c.Value is not null).ToDictionary(c => c.Key, c => c.Value!, StringComparer.Ordinal);
        try
        {
            return keys.Count == 0
                ? (TokenKeyRing.Ephemeral(what), true)
                : (TokenKeyRing.FromBase64(keys, section["SigningKey"], what, $"{section.Path}:SigningKey"), false);
        }
        catch (ArgumentException ex)
        {
            throw new InvalidOperationException($"{section.Path}:Keys: {ex.Message.Split(" (Parameter")[0]}", ex);
        }
    }
}
