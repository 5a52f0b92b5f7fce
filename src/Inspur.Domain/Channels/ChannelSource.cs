using System.Net;
using System.Net.Sockets;

namespace Inspur.Domain.Channels;

/// <summary>How a channel's MPEG-TS arrives.</summary>
public enum SourceKind
{
    /// <summary>UDP unicast or multicast, read by our own socket loop.</summary>
    Udp,

    /// <summary>HTTP(S) pull of a continuous TS body, read by our own client.</summary>
    Http,

    /// <summary>A local file played in a loop in real time (by a supervised ffmpeg).</summary>
    File,

    /// <summary>SRT, caller or listener (by a supervised ffmpeg, which has libsrt).</summary>
    Srt,
}

/// <summary>
/// A channel's ingest address, parsed from its URL: <c>udp://ip:port</c> (a multicast group may name the interface to
/// join it on, <c>udp://239.1.1.1:5000?iface=10.0.0.5</c>), <c>http(s)://host/path</c>, <c>file:///abs/path.ts</c>
/// (looped) or <c>srt://host:port?mode=caller|listener</c>. UDP takes IP literals only, so nothing resolves names on
/// the hot path.
/// </summary>
public sealed record ChannelSource
{
    public const int MaxUrlLength = 2000;

    private static readonly HashSet<string> SrtOptions = ["mode", "latency", "streamid", "passphrase", "pbkeylen"];

    public required SourceKind Kind { get; init; }

    /// <summary>The URL as the operator wrote it.</summary>
    public required string Url { get; init; }

    /// <summary>UDP: the address to bind (unicast) or the group to join (multicast).</summary>
    public IPAddress? Address { get; init; }

    /// <summary>UDP and SRT: the port.</summary>
    public int Port { get; init; }

    /// <summary>UDP multicast: the interface to join the group on; the default one when null.</summary>
    public IPAddress? Interface { get; init; }

    /// <summary>File: the absolute local path.</summary>
    public string? FilePath { get; init; }

    public bool IsMulticast => Address is { } a && (a.AddressFamily == AddressFamily.InterNetwork ? (a.GetAddressBytes()[0] & 0xF0) == 0xE0 : a.IsIPv6Multicast);

    public static bool TryParse(string url, out ChannelSource source, out string error)
    {
        source = null!;
        error = "";
        if (url.Length > MaxUrlLength)
        {
            error = $"the URL must be at most {MaxUrlLength} characters";
            return false;
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            error = $"'{Cut(url)}' is not a URL (udp://ip:port, http(s)://host/path, file:///path or srt://host:port)";
            return false;
        }

        var parsed = uri.Scheme switch
        {
            "udp" => Udp(url, uri, out error),
            "http" or "https" => Http(url, uri, out error),
            "file" => File(url, uri, out error),
            "srt" => Srt(url, uri, out error),
            _ => Fail($"scheme '{Cut(uri.Scheme)}' is not one of udp, http, https, file, srt", out error),
        };
        if (parsed is null) return false;
        source = parsed;
        return true;
    }

    private static ChannelSource? Udp(string url, Uri uri, out string error)
    {
        if (!IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address)) return Fail($"'{Cut(uri.Host)}' is not an IP address", out error);
        if (uri.Port is < 1 or > 65535) return Fail("the port must be 1-65535", out error);
        IPAddress? iface = null;
        foreach (var (key, value) in Query(uri))
        {
            if (key == "iface" && value is not null && IPAddress.TryParse(value, out var parsed)) iface = parsed;
            else return Fail($"unknown or malformed option '{Cut(key)}' (only iface=<ip>)", out error);
        }

        var source = new ChannelSource { Kind = SourceKind.Udp, Url = url, Address = address, Port = uri.Port, Interface = iface };
        if (iface is not null && !source.IsMulticast) return Fail("iface applies to multicast groups only", out error);
        error = "";
        return source;
    }

    private static ChannelSource? Http(string url, Uri uri, out string error)
    {
        if (string.IsNullOrEmpty(uri.Host)) return Fail("an http(s) source needs a host", out error);
        error = "";
        return new ChannelSource { Kind = SourceKind.Http, Url = url, Port = uri.Port };
    }

    private static ChannelSource? File(string url, Uri uri, out string error)
    {
        if (!string.IsNullOrEmpty(uri.Host) || !uri.IsAbsoluteUri) return Fail("a file source is file:///absolute/path on this node", out error);
        var path = uri.LocalPath;
        if (!path.StartsWith('/') || url.Contains("..", StringComparison.Ordinal) || path.Contains('\0'))
            return Fail("a file source must be an absolute path without '..'", out error);
        if (uri.Query.Length > 0) return Fail("a file source takes no options", out error);
        error = "";
        return new ChannelSource { Kind = SourceKind.File, Url = url, FilePath = path };
    }

    private static ChannelSource? Srt(string url, Uri uri, out string error)
    {
        if (string.IsNullOrEmpty(uri.Host)) return Fail("an srt source needs a host (0.0.0.0 to listen on every interface)", out error);
        if (uri.Port is < 1 or > 65535) return Fail("the port must be 1-65535", out error);
        foreach (var (key, value) in Query(uri))
        {
            if (!SrtOptions.Contains(key)) return Fail($"unknown srt option '{Cut(key)}' (allowed: {string.Join(", ", SrtOptions)})", out error);
            if (key == "mode" && value is not ("caller" or "listener" or "rendezvous"))
                return Fail("mode must be caller, listener or rendezvous", out error);
            if (key is "latency" or "pbkeylen" && !int.TryParse(value, out _)) return Fail($"{key} must be an integer", out error);
        }

        error = "";
        return new ChannelSource { Kind = SourceKind.Srt, Url = url, Port = uri.Port };
    }

    private static IEnumerable<(string Key, string? Value)> Query(Uri uri)
    {
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = pair.Split('=', 2);
            yield return (kv[0], kv.Length == 2 ? Uri.UnescapeDataString(kv[1]) : null);
        }
    }

    private static ChannelSource? Fail(string message, out string error)
    {
        error = message;
        return null;
    }

    private static string Cut(string value) => value.Length <= 80 ? value : value[..80] + "…";
}
