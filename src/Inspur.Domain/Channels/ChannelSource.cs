using System.Net;
using System.Net.Sockets;

namespace Inspur.Domain.Channels;

/// <summary>
/// A channel's ingest address, parsed from its URL: <c>udp://ip:port</c>, or a multicast group with the interface to
/// join it on, <c>udp://239.1.1.1:5000?iface=10.0.0.5</c>. IP literals only, so nothing resolves names on the hot path.
/// </summary>
public sealed record ChannelSource(IPAddress Address, int Port, IPAddress? Interface)
{
    public bool IsMulticast => Address.AddressFamily == AddressFamily.InterNetwork ? (Address.GetAddressBytes()[0] & 0xF0) == 0xE0 : Address.IsIPv6Multicast;

    public static bool TryParse(string url, out ChannelSource source, out string error)
    {
        source = null!;
        error = "";
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != "udp")
        {
            error = $"'{Cut(url)}' is not a udp://ip:port URL";
            return false;
        }

        if (!IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address))
        {
            error = $"'{Cut(uri.Host)}' is not an IP address";
            return false;
        }

        if (uri.Port is < 1 or > 65535)
        {
            error = "the port must be 1-65535";
            return false;
        }

        IPAddress? iface = null;
        var query = uri.Query.TrimStart('?');
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = pair.Split('=', 2);
            if (kv[0] == "iface" && kv.Length == 2 && IPAddress.TryParse(Uri.UnescapeDataString(kv[1]), out var parsed)) iface = parsed;
            else
            {
                error = $"unknown or malformed option '{Cut(pair)}' (only iface=<ip>)";
                return false;
            }
        }

        source = new ChannelSource(address, uri.Port, iface);
        if (iface is not null && !source.IsMulticast)
        {
            error = "iface applies to multicast groups only";
            return false;
        }

        return true;
    }

    private static string Cut(string value) => value.Length <= 80 ? value : value[..80] + "…";
}
