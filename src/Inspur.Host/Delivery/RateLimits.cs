using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace Inspur.Host.Delivery;

/// <summary>A token bucket: <see cref="PerSecond"/> requests a second on average, up to <see cref="Burst"/> at once; 0 per second is no limit.</summary>
public sealed record RateLimit(int PerSecond, int Burst)
{
    public bool Enabled => PerSecond > 0;
}

/// <summary>
/// Per-client request limits, read from <c>Inspur:RateLimits</c>: <c>Media</c> for everything fetched through one playback
/// token (<c>/p/{token}/…</c>: playlists, segments, keys), <c>Grant</c> for <c>POST /api/v1/playback</c> per access token,
/// <c>Activation</c> for <c>POST /api/v1/auth/activation</c> (asking for a code, which needs no sign-in) per client address.
/// The defaults are far above what a player does (a segment and a playlist every couple of seconds; a set-top box asks for
/// a code at first boot and when one expires, a building of them behind one address a few a second) and stop a looping
/// or abusive client long before it hurts other viewers.
/// </summary>
public sealed record RateLimitSettings
{
    public RateLimit Media { get; init; } = new(50, 200);

    public RateLimit Grant { get; init; } = new(5, 20);

    public RateLimit Activation { get; init; } = new(2, 30);

    public static RateLimitSettings Read(IConfiguration configuration)
    {
        var section = configuration.GetSection("Inspur:RateLimits");
        var defaults = new RateLimitSettings();
        return new RateLimitSettings
        {
            Media = Read(section, "Media", defaults.Media),
            Grant = Read(section, "Grant", defaults.Grant),
            Activation = Read(section, "Activation", defaults.Activation),
        };
    }

    private static RateLimit Read(IConfigurationSection section, string name, RateLimit fallback)
    {
        var perSecond = Count(section, $"{name}:PerSecond", fallback.PerSecond);
        var burst = Count(section, $"{name}:Burst", Math.Max(fallback.Burst, perSecond));
        if (perSecond > 0 && burst < perSecond)
            throw new InvalidOperationException($"Inspur:RateLimits:{name}:Burst ({burst}) must be at least its PerSecond ({perSecond})");
        return new RateLimit(perSecond, burst);
    }

    private static int Count(IConfigurationSection section, string key, int fallback) =>
        section[key] is not { } text ? fallback
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value <= 1_000_000 ? value
        : throw new InvalidOperationException($"Inspur:RateLimits:{key} '{text}' must be a whole number 0-1000000 (0: no limit)");
}

/// <summary>Wires <see cref="RateLimitSettings"/> into ASP.NET Core's rate limiter; a refusal is a 429 problem with <c>Retry-After</c>.</summary>
public static class RateLimits
{
    public const string GrantRoute = "/api/v1/playback";

    public const string ActivationRoute = "/api/v1/auth/activation";

    public static IServiceCollection AddInspurRateLimits(this IServiceCollection services, RateLimitSettings settings)
    {
        services.AddSingleton(settings);
        return services.AddRateLimiter(options =>
        {
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http => Partition(http, settings));
            options.OnRejected = async (context, ct) =>
            {
                var wait = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(1);
                var http = context.HttpContext;
                http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                var seconds = Api.RetryAfter.Set(http, wait);
                http.Response.Headers.CacheControl = "no-store";
                await Results.Problem($"too many requests from this client; retry in {seconds} s", statusCode: StatusCodes.Status429TooManyRequests,
                    title: "Too many requests").ExecuteAsync(http);
            };
        });
    }

    /// <summary>One bucket per playback token for media, per access token for grants, per client address for activation codes; nothing else is limited here.</summary>
    private static RateLimitPartition<string> Partition(HttpContext http, RateLimitSettings settings)
    {
        var path = http.Request.Path.Value ?? "";
        if (settings.Media.Enabled && path.StartsWith(PlaybackGate.Prefix, StringComparison.OrdinalIgnoreCase))
        {
            var rest = path.AsSpan(PlaybackGate.Prefix.Length);
            var slash = rest.IndexOf('/');
            return Bucket("media:" + (slash < 0 ? rest : rest[..slash]).ToString(), settings.Media);
        }

        if (settings.Grant.Enabled && HttpMethods.IsPost(http.Request.Method) && string.Equals(path, GrantRoute, StringComparison.OrdinalIgnoreCase))
            return Bucket("grant:" + http.Request.Headers.Authorization.ToString(), settings.Grant);
        // Each code asked for is held in memory until it expires; a client flooding the open route would fill it.
        if (settings.Activation.Enabled && HttpMethods.IsPost(http.Request.Method) && string.Equals(path, ActivationRoute, StringComparison.OrdinalIgnoreCase))
            return Bucket("activation:" + http.Connection.RemoteIpAddress, settings.Activation);
        return RateLimitPartition.GetNoLimiter("");
    }

    private static RateLimitPartition<string> Bucket(string key, RateLimit limit) =>
        RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = limit.Burst,
            TokensPerPeriod = limit.PerSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        });
}
