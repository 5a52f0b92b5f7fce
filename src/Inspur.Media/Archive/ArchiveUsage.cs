using System.Collections.Concurrent;

namespace Inspur.Media.Archive;

/// <summary>Bytes on disk per channel, shared by the writer (adds), retention (subtracts) and the operator view (reads).</summary>
public sealed class ArchiveUsage
{
    private readonly ConcurrentDictionary<string, long> _bytes = new(StringComparer.Ordinal);

    public long Total => _bytes.Values.Sum();

    public long Of(string channel) => _bytes.TryGetValue(channel, out var b) ? b : 0;

    public IReadOnlyDictionary<string, long> ByChannel => _bytes.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);

    public void Add(string channel, long bytes) => _bytes.AddOrUpdate(channel, bytes, (_, b) => b + bytes);

    public void Remove(string channel, long bytes) => _bytes.AddOrUpdate(channel, 0, (_, b) => Math.Max(0, b - bytes));
}
