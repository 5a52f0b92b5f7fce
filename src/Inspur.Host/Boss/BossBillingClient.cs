using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Inspur.Actors.Billing;
using Inspur.Domain.Billing;

namespace Inspur.Host.Boss;

/// <summary>Reads <see cref="BillingSettings"/> from <c>Inspur:Billing</c>; a bad value stops the node at start with the setting's name.</summary>
public static class BillingSettingsReader
{
    public static BillingSettings Read(IConfiguration configuration)
    {
        var section = configuration.GetSection("Inspur:Billing");
        var defaults = new BillingSettings();
        Uri? url = null;
        if (!string.IsNullOrWhiteSpace(section["BossUrl"]) &&
            (!Uri.TryCreate(section["BossUrl"], UriKind.Absolute, out url) || url.Scheme is not ("http" or "https")))
            throw new InvalidOperationException($"Inspur:Billing:BossUrl '{section["BossUrl"]}' must be an absolute http(s) URL");
        var keyId = Blank(section["KeyId"]);
        var secret = Blank(section["Secret"]);
        if ((keyId is null) != (secret is null)) throw new InvalidOperationException("Inspur:Billing:KeyId and Inspur:Billing:Secret go together: set both or neither");
        return new BillingSettings
        {
            BossUrl = url,
            KeyId = keyId,
            Secret = secret,
            Timeout = Seconds(section, "TimeoutSeconds", 0.1, 300) ?? defaults.Timeout,
            FirstRetry = Seconds(section, "FirstRetrySeconds", 0.01, 3600) ?? defaults.FirstRetry,
            MaxRetry = Seconds(section, "MaxRetrySeconds", 0.01, 86_400) ?? defaults.MaxRetry,
            Concurrency = section["Concurrency"] is { } c
                ? int.TryParse(c, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 64 ? n : throw new InvalidOperationException($"Inspur:Billing:Concurrency '{c}' must be 1-64")
                : defaults.Concurrency,
        };
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static TimeSpan? Seconds(IConfigurationSection section, string key, double min, double max) =>
        section[key] is not { } text ? null
        : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s >= min && s <= max ? TimeSpan.FromSeconds(s)
        : throw new InvalidOperationException($"Inspur:Billing:{key} '{text}' must be {min.ToString(CultureInfo.InvariantCulture)}-{max.ToString(CultureInfo.InvariantCulture)} seconds");
}

/// <summary>A billing record as the BOSS receives it (POST, JSON); <c>id</c> is also the <c>Idempotency-Key</c> header.</summary>
public sealed record BillingRecordDto(string Id, string Kind, string Subscriber, string Product, string? ProductKind, string? ProductName, long? Price, string? Currency,
    string? TitleId, DateTimeOffset? EffectiveFrom, DateTimeOffset? EffectiveUntil, DateTimeOffset OccurredAt)
{
    public static BillingRecordDto Of(BillingRecord r) => new(r.Id, KindName(r.Kind), r.SubscriberId.Value, r.ProductId.Value,
        r.ProductKind?.ToString().ToLowerInvariant(), r.ProductName, r.Price, r.Currency, r.TitleId, r.EffectiveFrom, r.EffectiveUntil, r.OccurredAt);

    public static string KindName(BillingKind kind) => kind switch
    {
        BillingKind.ProductOrdered => "product-ordered",
        BillingKind.ProductCancelled => "product-cancelled",
        _ => "tvod-purchase",
    };
}

/// <summary>
/// Delivers a billing record to <c>Inspur:Billing:BossUrl</c>: one POST with the record as JSON, <c>Idempotency-Key</c> = record id,
/// signed with <see cref="BossSignature"/> when a key is configured, bounded by the timeout. Every failure becomes a result.
/// </summary>
public sealed class BossBillingClient(BillingSettings settings) : IBillingDelivery, IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    // One client for the node; the per-attempt timeout is a cancellation, so a slow BOSS never holds a slot past it.
    private readonly HttpClient _http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = Timeout.InfiniteTimeSpan };

    public async Task<DeliveryResult> DeliverAsync(BillingRecord record, CancellationToken ct)
    {
        if (settings.BossUrl is not { } url) return new DeliveryResult(null, "no Inspur:Billing:BossUrl configured");
        var body = JsonSerializer.SerializeToUtf8Bytes(BillingRecordDto.Of(record), Json);
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add(BossSignature.IdempotencyHeader, record.Id);
        if (settings is { KeyId: { } keyId, Secret: { } secret })
        {
            var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            request.Headers.Add(BossSignature.KeyHeader, keyId);
            request.Headers.Add(BossSignature.TimestampHeader, timestamp);
            request.Headers.Add(BossSignature.SignatureHeader, BossSignature.Compute(secret, "POST", url.PathAndQuery, timestamp, body));
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(settings.Timeout);
        try
        {
            using var response = await _http.SendAsync(request, timeout.Token);
            if (response.IsSuccessStatusCode) return new DeliveryResult((int)response.StatusCode, null);
            var text = await response.Content.ReadAsStringAsync(timeout.Token);
            return new DeliveryResult((int)response.StatusCode, string.IsNullOrWhiteSpace(text) ? response.ReasonPhrase : text.Trim());
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new DeliveryResult(null, $"no answer within {settings.Timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s");
        }
        catch (HttpRequestException e)
        {
            return new DeliveryResult(null, e.Message);
        }
    }

    public void Dispose() => _http.Dispose();
}
