using System.Net;
using System.Net.Sockets;
using Inspur.Media.Ingest;

namespace Inspur.Media.Tests.Ingest;

/// <summary>The batched datagram reader on a real loopback socket: order, sizes up to the largest datagram, an empty queue.</summary>
public sealed class DatagramBatchReceiverSpecs
{
    [Fact]
    public async Task Queued_datagrams_come_back_whole_and_in_order_a_batch_at_a_time()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveBufferSize = 8 * 1024 * 1024 };
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        socket.Blocking = false;
        using var receiver = new DatagramBatchReceiver();
        Assert.Equal(0, receiver.Receive(socket));

        // Sizes from empty to the largest a UDP datagram can be, more of them than one batch holds.
        var sizes = new[] { 1316, 0, 188, 65507, 1 }.Concat(Enumerable.Range(0, 35).Select(i => 1316 + i)).ToArray();
        var sent = sizes.Select((size, i) => Enumerable.Range(0, size).Select(b => (byte)((i * 13 + b) & 0xFF)).ToArray()).ToArray();
        using var client = new UdpClient();
        foreach (var datagram in sent) await client.SendAsync(datagram, (IPEndPoint)socket.LocalEndPoint!);

        var received = new List<byte[]>();
        var calls = 0;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (received.Count < sent.Length && DateTime.UtcNow < deadline)
        {
            var count = receiver.Receive(socket);
            calls++;
            for (var i = 0; i < count; i++) received.Add(receiver.Datagram(i).ToArray());
            if (count == 0) await Task.Delay(10);
        }

        Assert.Equal(sent.Length, received.Count);
        for (var i = 0; i < sent.Length; i++) Assert.Equal(sent[i], received[i]);
        Assert.Equal(0, receiver.Receive(socket));
        if (OperatingSystem.IsLinux()) Assert.True(calls < sent.Length, $"{calls} calls for {sent.Length} datagrams: not batched");
    }
}
