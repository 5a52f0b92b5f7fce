using System.Globalization;
using System.Text.Json;

namespace Inspur.Host.Api;

/// <summary>Reads a bounded JSON object body and its fields, turning every defect into a problem+json answer naming the field.</summary>
public static class JsonBody
{
    public const int MaxBytes = 64 * 1024;

    public static async Task<(JsonElement Body, IResult? Error)> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentType is not { } type || !(type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) ||
                                                      type.Contains("+json", StringComparison.OrdinalIgnoreCase)))
            return (default, Results.Problem("send the body as application/json", statusCode: StatusCodes.Status415UnsupportedMediaType,
                title: "Unsupported media type"));

        if (await ReadBytesAsync(request, ct) is not { } bytes) return (default, TooLarge());

        try
        {
            using var doc = JsonDocument.Parse(bytes);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                return (default, Invalid("body", "the body must be a JSON object"));
            return (doc.RootElement.Clone(), null);
        }
        catch (JsonException ex)
        {
            return (default, Invalid("body", $"malformed JSON: {ex.Message}"));
        }
    }

    /// <summary>The body's bytes, or null when it is over <see cref="MaxBytes"/> (declared or sent).</summary>
    public static async Task<byte[]?> ReadBytesAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength > MaxBytes) return null;
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxBytes) return null;
            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    public static IResult TooLarge() =>
        Results.Problem($"the body must be at most {MaxBytes} bytes", statusCode: StatusCodes.Status413PayloadTooLarge, title: "Body too large");

    public static string? RequiredString(JsonElement body, string name, Dictionary<string, string[]> errors)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            errors[name] = [$"{name} is required"];
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            errors[name] = [$"{name} must be a string, not {Kind(value)}"];
            return null;
        }

        return value.GetString();
    }

    public static int? RequiredInt(JsonElement body, string name, Dictionary<string, string[]> errors)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            errors[name] = [$"{name} is required"];
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var number))
        {
            errors[name] = [$"{name} must be an integer, not {Kind(value)}"];
            return null;
        }

        return number;
    }

    /// <summary>Absent or null is null; anything but a string is an error naming what it should be.</summary>
    public static string? OptionalString(JsonElement body, string name, Dictionary<string, string[]> errors, string expected)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind == JsonValueKind.String) return value.GetString();
        errors[name] = [$"{name} must be {expected}, not {Kind(value)}"];
        return null;
    }

    public static int? OptionalInt(JsonElement body, string name, Dictionary<string, string[]> errors)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number)) return number;
        errors[name] = [$"{name} must be an integer, not {Kind(value)}"];
        return null;
    }

    public static bool? OptionalBool(JsonElement body, string name, Dictionary<string, string[]> errors)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind is JsonValueKind.True or JsonValueKind.False) return value.GetBoolean();
        errors[name] = [$"{name} must be true or false, not {Kind(value)}"];
        return null;
    }

    /// <summary>Absent or null is null; else an ISO 8601 time with an offset or Unix seconds, or an error naming the field.</summary>
    public static DateTimeOffset? OptionalTime(JsonElement body, string name, Dictionary<string, string[]> errors)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var unix) && unix is >= 0 and < 253_402_300_800)
            return DateTimeOffset.FromUnixTimeSeconds(unix);
        if (value.ValueKind == JsonValueKind.String && ParseTime(value.GetString()) is { } at) return at;
        errors[name] = [$"{name} must be an ISO 8601 time with an offset (2026-12-01T10:00:00Z) or Unix seconds"];
        return null;
    }

    /// <summary>An ISO 8601 time with an explicit offset (<c>Z</c> or <c>±hh:mm</c>), in UTC; null for anything else.</summary>
    public static DateTimeOffset? ParseTime(string? text) =>
        text is not null && (text.EndsWith('Z') || text.Length > 6 && text[^6] is '+' or '-') &&
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? at.ToUniversalTime()
            : null;

    /// <summary>A misspelt field is reported rather than silently ignored.</summary>
    public static void RejectUnknown(JsonElement body, IReadOnlyCollection<string> allowed, Dictionary<string, string[]> errors, string prefix = "")
    {
        foreach (var property in body.EnumerateObject())
        {
            if (!allowed.Contains(property.Name))
                errors[prefix + property.Name] = [$"unknown field '{prefix}{property.Name}'; allowed: {string.Join(", ", allowed)}"];
        }
    }

    private static string Kind(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number => "a non-integer or out-of-range number",
        JsonValueKind.String => "a string",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        _ => value.ValueKind.ToString().ToLowerInvariant(),
    };

    private static IResult Invalid(string field, string message) =>
        Results.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });
}
