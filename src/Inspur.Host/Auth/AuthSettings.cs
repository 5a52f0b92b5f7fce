using Inspur.Domain.Security;

namespace Inspur.Host.Auth;

/// <summary>
/// Subscriber access tokens (section <c>Inspur:Auth</c>): <c>Keys:&lt;keyId&gt;</c> (base64, ≥ 32 bytes; every node the same),
/// <c>SigningKey</c> (which one signs; the only one by default) and <c>TokenLifetime</c> (default 12 h); device activation by code:
/// <c>ActivationLifetime</c> (how long a code lives, default 10 min, at most 1 h) and <c>ActivationInterval</c> (how often the box
/// may poll, default 5 s). Without keys a node signs with a random key of its own: tokens then die with the process and work on no
/// other node (poll tokens too, so a box must poll the node it asked).
/// </summary>
public sealed record AuthSettings
{
    public const string Section = "Inspur:Auth";
    public static readonly TimeSpan DefaultTokenLifetime = TimeSpan.FromHours(12);
    public static readonly TimeSpan DefaultActivationLifetime = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan DefaultActivationInterval = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan MaxActivationLifetime = TimeSpan.FromHours(1);

    public required TokenKeyRing Keys { get; init; }

    public bool EphemeralKeys { get; init; }

    public TimeSpan TokenLifetime { get; init; } = DefaultTokenLifetime;

    public TimeSpan ActivationLifetime { get; init; } = DefaultActivationLifetime;

    public TimeSpan ActivationInterval { get; init; } = DefaultActivationInterval;

    public static AuthSettings Read(IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        var (keys, ephemeral) = TokenKeys.Read(section, "access");
        var lifetime = Span(section, "TokenLifetime", DefaultTokenLifetime, TimeSpan.FromSeconds(1), TimeSpan.FromDays(90));
        var activation = Span(section, "ActivationLifetime", DefaultActivationLifetime, TimeSpan.FromSeconds(1), MaxActivationLifetime);
        var interval = Span(section, "ActivationInterval", DefaultActivationInterval, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
        if (interval >= activation) throw new InvalidOperationException($"{Section}:ActivationInterval must be shorter than {Section}:ActivationLifetime");
        return new AuthSettings { Keys = keys, EphemeralKeys = ephemeral, TokenLifetime = lifetime, ActivationLifetime = activation, ActivationInterval = interval };
    }

    private static TimeSpan Span(IConfigurationSection section, string key, TimeSpan fallback, TimeSpan min, TimeSpan max)
    {
        if (section[key] is not { Length: > 0 } text) return fallback;
        if (TimeSpan.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var value) && value >= min && value <= max) return value;
        throw new InvalidOperationException($"{Section}:{key}: '{text}' must be a time span between {min:c} and {max:c}");
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
