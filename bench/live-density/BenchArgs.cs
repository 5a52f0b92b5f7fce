using System.Globalization;

namespace Inspur.Bench.LiveDensity;

/// <summary>A bench's <c>--key value</c> command line, as its run.sh passes it.</summary>
internal sealed class BenchArgs
{
    private readonly Dictionary<string, string> _map;

    private BenchArgs(Dictionary<string, string> map) => _map = map;

    /// <summary>Null when an argument is not a <c>--key value</c> pair.</summary>
    public static BenchArgs? Parse(string[] args)
    {
        var map = new Dictionary<string, string>();
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal)) return null;
            map[args[i][2..]] = args[i + 1];
        }

        return new BenchArgs(map);
    }

    public string? Get(string key) => _map.GetValueOrDefault(key);

    public int Int(string key, int fallback) => Get(key) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
}
