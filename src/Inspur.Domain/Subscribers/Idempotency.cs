using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Inspur.Domain.Subscribers;

/// <summary>A request an entity accepted: its key, a fingerprint of what was asked, and the version and time it produced.</summary>
public sealed record ProcessedRequest(string Key, string Fingerprint, long Version, DateTimeOffset At);

/// <summary>
/// The last <see cref="Capacity"/> idempotency keys an entity accepted, oldest first; persisted with every event and in the
/// snapshot, so a retried request is recognised after a restart or a shard hand-over. Refused requests persist nothing and are
/// not remembered: a retry is decided again.
/// </summary>
public sealed partial record IdempotencyLog(IReadOnlyList<ProcessedRequest> Entries)
{
    public const int Capacity = 1000;
    public const int MaxKeyLength = 100;

    public static readonly IdempotencyLog Empty = new([]);

    /// <summary>1-100 visible ASCII characters (a UUID, a BOSS order number).</summary>
    public static bool IsValidKey(string? key) => key is not null && KeyPattern().IsMatch(key);

    public ProcessedRequest? Find(string key)
    {
        for (var i = Entries.Count - 1; i >= 0; i--)
        {
            if (Entries[i].Key == key) return Entries[i];
        }

        return null;
    }

    /// <summary>Adds an entry, dropping the oldest beyond <see cref="Capacity"/>.</summary>
    public IdempotencyLog Add(ProcessedRequest entry) =>
        new(Entries.Count < Capacity ? [.. Entries, entry] : [.. Entries.Skip(Entries.Count - Capacity + 1), entry]);

    /// <summary>SHA-256 (hex) of the request's fields in a fixed order; null fields are distinct from empty ones.</summary>
    public static string Fingerprint(params string?[] fields)
    {
        var text = string.Join('\u001f', fields.Select(f => f is null ? "\u0000" : f.Replace("\\", "\\\\").Replace("\u001f", "\\u")));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    [GeneratedRegex(@"^[\x21-\x7e]{1,100}\z", RegexOptions.CultureInvariant)]
    private static partial Regex KeyPattern();
}
