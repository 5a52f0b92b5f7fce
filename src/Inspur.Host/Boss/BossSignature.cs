using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Inspur.Host.Boss;

/// <summary>
/// The BOSS request signature, shared by the node (verifying) and by clients (signing): lowercase hex HMAC-SHA256, with the
/// key's secret, over <c>METHOD\nPATH?QUERY\nTIMESTAMP\nhex(SHA256(body))</c>. Depends on the BCL only, so an integrator can copy it.
/// </summary>
public static class BossSignature
{
    public const string KeyHeader = "X-Boss-Key";
    public const string TimestampHeader = "X-Boss-Timestamp";
    public const string SignatureHeader = "X-Boss-Signature";
    public const string IdempotencyHeader = "Idempotency-Key";

    /// <param name="method">The HTTP method, upper-cased here.</param>
    /// <param name="target">The request target exactly as sent: path and query (<c>/api/boss/v1/subscribers?q=li</c>), percent-encoding included.</param>
    /// <param name="timestamp">The <c>X-Boss-Timestamp</c> header as sent: Unix seconds.</param>
    /// <param name="body">The body bytes as sent; empty for none.</param>
    public static string StringToSign(string method, string target, string timestamp, ReadOnlySpan<byte> body) =>
        $"{method.ToUpperInvariant()}\n{target}\n{timestamp}\n{Convert.ToHexStringLower(SHA256.HashData(body))}";

    public static string Compute(string secret, string method, string target, string timestamp, ReadOnlySpan<byte> body) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(StringToSign(method, target, timestamp, body))));

    /// <summary>Compares in constant time, so the answer's timing says nothing about how much of a guess was right.</summary>
    public static bool Matches(string secret, string method, string target, string timestamp, ReadOnlySpan<byte> body, string signature) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Compute(secret, method, target, timestamp, body)), Encoding.ASCII.GetBytes(signature));
}

/// <summary>Client side: adds the three signature headers to each request it sends (a BOSS integrator's HttpClient handler).</summary>
public sealed class BossSigningHandler(string keyId, string secret, TimeProvider? time = null) : DelegatingHandler(new HttpClientHandler())
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        var timestamp = (time ?? TimeProvider.System).GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var target = request.RequestUri!.IsAbsoluteUri ? request.RequestUri.PathAndQuery : request.RequestUri.OriginalString;
        request.Headers.Remove(BossSignature.KeyHeader);
        request.Headers.Remove(BossSignature.TimestampHeader);
        request.Headers.Remove(BossSignature.SignatureHeader);
        request.Headers.Add(BossSignature.KeyHeader, keyId);
        request.Headers.Add(BossSignature.TimestampHeader, timestamp);
        request.Headers.Add(BossSignature.SignatureHeader, BossSignature.Compute(secret, request.Method.Method, target, timestamp, body));
        return await base.SendAsync(request, cancellationToken);
    }
}
