using System.Net;
using System.Net.Sockets;
using Inspur.Domain.Channels;
using static Inspur.Domain.Channels.ChannelReplies;

namespace Inspur.Host.Api;

/// <summary>
/// Refuses a channel config whose UDP input another channel already reads, or whose unicast port another program holds
/// on this node, so the operator hears it at once (400 naming the field) instead of from a pipeline alarm later.
/// The port probe is local: in a cluster the pipeline runs where the channel's shard lives, whose alarm still applies.
/// </summary>
public static class SourceConflicts
{
    public static async Task<(string Field, string Message)?> FindAsync(ChannelId id, ChannelConfig config, Func<Task<IReadOnlyList<ChannelView>>> channels)
    {
        var inputs = Inputs(config).ToList();
        if (inputs.Count == 0) return null;
        var all = await channels();
        var self = all.FirstOrDefault(c => c.ChannelId == id);
        foreach (var (field, source) in inputs)
        {
            if (source.Kind != SourceKind.Udp) continue;
            foreach (var other in all)
            {
                if (other.ChannelId == id) continue;
                if (Inputs(other.Config).Any(o => ChannelState.SameInput(o.Source, source)))
                    return (field, $"{field}: {source.Url} is already an input of channel '{other.ChannelId}'");
            }

            // A port this channel holds itself (it runs with that input) is not in use by someone else.
            var held = self is { Running: true } && Inputs(self.Config).Any(o => ChannelState.SameInput(o.Source, source));
            if (!held && !source.IsMulticast && PortTaken(source) is { } why)
                return (field, $"{field}: udp port {source.Port} cannot be used on this node: {why}");
        }

        return null;
    }

    private static IEnumerable<(string Field, ChannelSource Source)> Inputs(ChannelConfig config)
    {
        if (config.Source is { } s && ChannelSource.TryParse(s, out var primary, out _)) yield return ("source", primary);
        if (config.BackupSource is { } b && ChannelSource.TryParse(b, out var backup, out _)) yield return ("backupSource", backup);
    }

    private static string? PortTaken(ChannelSource source)
    {
        try
        {
            using var socket = new Socket(source.Address!.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            socket.Bind(new IPEndPoint(source.Address, source.Port));
            return null;
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressNotAvailable)
        {
            return $"{source.Address} is not an address of this node";
        }
        catch (SocketException ex)
        {
            return ex.SocketErrorCode == SocketError.AddressAlreadyInUse ? "it is in use by another program" : ex.Message;
        }
    }
}
