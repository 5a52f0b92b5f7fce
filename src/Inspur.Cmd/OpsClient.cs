using System.Net.Sockets;
using System.Text;
using Inspur.Domain.Ops;

namespace Inspur.Cmd;

/// <summary>One connection to a node's ops endpoint; sends command words, returns the node's answer.</summary>
public sealed class OpsClient : IAsyncDisposable
{
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(30);

    private readonly TcpClient _tcp;
    private readonly StreamReader _reader;
    private readonly StreamWriter _writer;

    private OpsClient(TcpClient tcp)
    {
        _tcp = tcp;
        var stream = tcp.GetStream();
        _reader = new StreamReader(stream, Encoding.UTF8);
        _writer = new StreamWriter(stream, new UTF8Encoding(false)) { AutoFlush = true, NewLine = "\n" };
    }

    /// <summary>Connects, or throws <see cref="OpsUnreachableException"/> saying why not.</summary>
    public static async Task<OpsClient> ConnectAsync(OpsEndpointAddress address)
    {
        var tcp = new TcpClient();
        using var timeout = new CancellationTokenSource(ConnectTimeout);
        try
        {
            await tcp.ConnectAsync(address.Host, address.Port, timeout.Token);
            return new OpsClient(tcp);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ArgumentException)
        {
            tcp.Dispose();
            var why = ex is OperationCanceledException ? $"no answer within {ConnectTimeout.TotalSeconds:0}s" : ex.Message;
            throw new OpsUnreachableException($"cannot reach the Inspur.Akka node at {address}: {why}. Is the node running, and is its ops endpoint (petabridge.cmd.port) on that address?");
        }
    }

    public async Task<OpsWire.Response> SendAsync(IReadOnlyList<string> words)
    {
        using var timeout = new CancellationTokenSource(ReplyTimeout);
        try
        {
            await _writer.WriteLineAsync(OpsWire.Encode(new OpsWire.Request(words)).AsMemory(), timeout.Token);
            var line = await _reader.ReadLineAsync(timeout.Token)
                       ?? throw new OpsUnreachableException("the node closed the connection");
            return OpsWire.Decode<OpsWire.Response>(line) ?? throw new OpsUnreachableException("the node sent an empty answer");
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException)
        {
            throw new OpsUnreachableException($"lost the connection to the node: {(ex is OperationCanceledException ? $"no answer within {ReplyTimeout.TotalSeconds:0}s" : ex.Message)}");
        }
        catch (System.Text.Json.JsonException ex)
        {
            throw new OpsUnreachableException($"the node answered something that is not an ops response: {ex.Message}");
        }
    }

    public ValueTask DisposeAsync()
    {
        _tcp.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>The node could not be reached or stopped answering.</summary>
public sealed class OpsUnreachableException(string message) : Exception(message);
