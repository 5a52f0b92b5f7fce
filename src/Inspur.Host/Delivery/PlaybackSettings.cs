using System.Globalization;
using Inspur.Actors.Sessions;
using Inspur.Domain.Security;
using Inspur.Domain.Sessions;
using Inspur.Host.Auth;

namespace Inspur.Host.Delivery;

/// <summary>
/// Playback token and session settings (section <c>Inspur:Playback</c>): <c>Keys:&lt;keyId&gt;</c> (base64, ≥ 32 bytes),
/// <c>SigningKey</c> (the key id that signs; optional with one key), <c>RequireToken</c> (default false),
/// <c>TokenLifetime</c>, <c>IdleTimeout</c>, <c>HeartbeatInterval</c> (hh:mm:ss or seconds).
/// </summary>
public sealed class PlaybackSettings
{
    public required TokenKeyRing Keys { get; init; }

    /// <summary>No key configured: a random one, valid on this node until it stops (demo and development only).</summary>
    public bool EphemeralKeys { get; init; }

    /// <summary>When true, plain <c>/live/…</c> and <c>/archive/…</c> media answer 403; only <c>/p/{token}/…</c> plays. Production sets it.</summary>
    public bool RequireToken { get; init; }

    public SessionSettings Sessions { get; init; } = new();

    public static PlaybackSettings Read(IConfiguration configuration)
    {
        var section = configuration.GetSection("Inspur:Playback");
        var requireToken = Bool(section, "RequireToken");
        var (ring, ephemeral) = TokenKeys.Read(section, "playback");
        if (requireToken && ephemeral)
            throw new InvalidOperationException("Inspur:Playback:RequireToken is true but no Inspur:Playback:Keys:<keyId> is configured: every node must share the signing keys");

        var defaults = new SessionSettings();
        return new PlaybackSettings
        {
            Keys = ring,
            EphemeralKeys = ephemeral,
            RequireToken = requireToken,
            Sessions = new SessionSettings
            {
                IdleTimeout = Duration(section, "IdleTimeout", defaults.IdleTimeout),
                HeartbeatInterval = Duration(section, "HeartbeatInterval", defaults.HeartbeatInterval),
                TokenLifetime = Duration(section, "TokenLifetime", defaults.TokenLifetime),
            },
        };
    }

    private static bool Bool(IConfigurationSection section, string key) =>
        section[key] is not { } text ? false
        : bool.TryParse(text, out var value) ? value
        : throw new InvalidOperationException($"Inspur:Playback:{key} '{text}' must be true or false");

    /// <summary>hh:mm:ss, or a number of seconds; positive.</summary>
    private static TimeSpan Duration(IConfigurationSection section, string key, TimeSpan fallback)
    {
        if (section[key] is not { } text) return fallback;
        if (double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds) && seconds is > 0 and < 31_536_000)
            return TimeSpan.FromSeconds(seconds);
        if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) && span > TimeSpan.Zero) return span;
        throw new InvalidOperationException($"Inspur:Playback:{key} '{text}' must be a positive duration (hh:mm:ss or seconds)");
    }
}
