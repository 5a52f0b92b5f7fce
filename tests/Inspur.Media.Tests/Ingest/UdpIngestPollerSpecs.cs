using System.Net;
using System.Net.Sockets;
using Inspur.Media.Ingest;

namespace Inspur.Media.Tests.Ingest;

/// <summary>The shared UDP poller on its own, with real loopback sockets.</summary>
public sealed class UdpIngestPollerSpecs
{
    private static Socket Bound()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    }

    /// <summary>A source whose hand-on throws is stopped and told why; the thread goes on reading the other sources.</summary>
    [Fact]
    public async Task A_source_whose_hand_on_throws_is_stopped_and_the_others_are_still_read()
    {
        var poller = UdpIngestPoller.For(TimeSpan.FromMilliseconds(11)); // a tick no other spec uses
        using var bad = Bound();
        using var good = Bound();
        var failed = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        long goodBytes = 0;
        using var badRegistration = poller.Register(bad, (_, _) => throw new InvalidOperationException("hand-on broke"), ex => failed.TrySetResult(ex));
        using var goodRegistration = poller.Register(good, (chunk, _) => Interlocked.Add(ref goodBytes, chunk.Count), ex => failed.TrySetResult(ex));
        using var client = new UdpClient();

        await client.SendAsync(new byte[1316], (IPEndPoint)bad.LocalEndPoint!);
        var error = await failed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("hand-on broke", error.Message);
        Assert.Equal(1, poller.Count);

        await client.SendAsync(new byte[1316], (IPEndPoint)good.LocalEndPoint!);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (Interlocked.Read(ref goodBytes) < 1316 && DateTime.UtcNow < deadline) await Task.Delay(10);
        Assert.Equal(1316, Interlocked.Read(ref goodBytes));
    }
}
