using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Primitives;

namespace Inspur.Host.Boss;

/// <summary>The BOSS keys (<c>Inspur:Boss:Keys:{keyId}</c> = secret) and the clock skew window (<c>Inspur:Boss:SkewSeconds</c>, default 300).</summary>
public sealed record BossSettings(IReadOnlyDictionary<string, string> Keys, int SkewSeconds)
{
    public const int DefaultSkewSeconds = 300;

    public static BossSettings Read(IConfiguration configuration)
    {
        var section = configuration.GetSection("Inspur:Boss");
        var keys = section.GetSection("Keys").GetChildren().Where(k => !string.IsNullOrEmpty(k.Value)).ToDictionary(k => k.Key, k => k.Value!, StringComparer.Ordinal);
        var skew = section["SkewSeconds"] is { } text
            ? int.TryParse(text, CultureInfo.InvariantCulture, out var s) && s is > 0 and <= 86_400
                ? s
                : throw new InvalidOperationException($"Inspur:Boss:SkewSeconds '{text}' must be 1-86400")
            : DefaultSkewSeconds;
        return new BossSettings(keys, skew);
    }
}

/// <summary>
/// Checks a BOSS request's key, timestamp and signature, and refuses a signed mutation seen before within the skew window.
/// The replay cache is per node and bounded; the Idempotency-Key, kept by the entities, is what makes effects once-only
/// across nodes.
/// </summary>
public sealed class BossAuthenticator(BossSettings settings, TimeProvider time)
{
    public const int ReplayCapacity = 100_000;

    // key id + signature → the Unix second after which its timestamp is stale anyway.
    private readonly ConcurrentDictionary<string, long> _seen = new(StringComparer.Ordinal);
    private readonly Lock _prune = new();
    private long _prunedAt;

    public BossSettings Settings => settings;

    /// <summary>Null when the request may proceed, else the problem to answer.</summary>
    public IResult? Verify(string method, string target, StringValues keyId, StringValues timestamp, StringValues signature, ReadOnlySpan<byte> body)
    {
        if (settings.Keys.Count == 0)
            return Results.Problem("no BOSS keys configured (Inspur:Boss:Keys:{keyId} = secret); the BOSS API does not run unsigned",
                statusCode: StatusCodes.Status503ServiceUnavailable, title: "BOSS API not configured");
        if (keyId.Count != 1 || timestamp.Count != 1 || signature.Count != 1)
            return Unauthorized($"send exactly one each of {BossSignature.KeyHeader}, {BossSignature.TimestampHeader} and {BossSignature.SignatureHeader}");
        if (!settings.Keys.TryGetValue(keyId.ToString(), out var secret)) return Unauthorized("unknown BOSS key");
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var stamp = timestamp.ToString();
        if (stamp.Length is 0 or > 12 || !stamp.All(char.IsAsciiDigit) || !long.TryParse(stamp, CultureInfo.InvariantCulture, out var at))
            return Unauthorized($"{BossSignature.TimestampHeader} must be Unix seconds");
        if (Math.Abs(now - at) > settings.SkewSeconds)
            return Unauthorized($"the timestamp is {(at < now ? "stale" : "in the future")}: {Math.Abs(now - at)} s from the node's clock, more than the {settings.SkewSeconds} s allowed");
        var sig = signature.ToString();
        if (sig.Length != 64 || !BossSignature.Matches(secret, method, target, stamp, body, sig)) return Unauthorized("the signature does not match the request");

        // A read changes nothing, so a replayed one is answered; a BOSS may poll the same resource twice within a second.
        if (HttpMethods.IsGet(method) || HttpMethods.IsHead(method)) return null;
        var seen = $"{keyId}:{sig}";
        if (_seen.ContainsKey(seen)) return Replayed();
        if (_seen.Count >= ReplayCapacity) Prune(now);
        if (_seen.Count >= ReplayCapacity)
            return Results.Problem("too many signed requests within the skew window; retry later", statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "Replay cache full");
        return _seen.TryAdd(seen, at + settings.SkewSeconds) ? null : Replayed();
    }

    private void Prune(long now)
    {
        lock (_prune)
        {
            // At most once a second: when nothing has expired yet, a full cache answers 503 without rescanning per request.
            if (_prunedAt == now) return;
            _prunedAt = now;
            foreach (var (key, expires) in _seen)
            {
                if (expires < now) _seen.TryRemove(key, out _);
            }
        }
    }

    private static IResult Replayed() =>
        Results.Problem("this signed request was seen before; sign each request (and each retry) anew with the current time",
            statusCode: StatusCodes.Status409Conflict, title: "Replayed request");

    private static IResult Unauthorized(string detail) =>
        Results.Problem(detail, statusCode: StatusCodes.Status401Unauthorized, title: "BOSS request not authenticated");
}
