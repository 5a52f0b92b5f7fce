using System.Net;
using System.Net.Sockets;

namespace Inspur.Testing;

/// <summary>
/// Forwards UDP datagrams from one loopback port to another, dropping those <see cref="Drop"/> picks while it is set:
/// a lossy network in front of a channel, for continuity-error and outage specs.
/// </summary>
public sealed class UdpRelay : IDisposable
{
    private readonly Socket _in = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly Socket _out = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _forwarded;

    public UdpRelay(int listenPort, int targetPort)
    {
        _in.Bind(new IPEndPoint(IPAddress.Loopback, listenPort));
        var target = new IPEndPoint(IPAddress.Loopback, targetPort);
        _loop = Task.Run(async () =>
        {
            var buffer = new byte[65536];
            long index = 0;
            try
            {
                while (!_stop.IsCancellationRequested)
                {
                    var n = await _in.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                    if (Drop is { } drop && drop(index++)) continue;
                    await _out.SendToAsync(buffer.AsMemory(0, n), SocketFlags.None, target, _stop.Token);
                    Interlocked.Increment(ref _forwarded);
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
            }
        });
    }

    /// <summary>Decides per datagram (by its index) whether to drop it; null forwards everything.</summary>
    public Func<long, bool>? Drop { get; set; }

    public long Forwarded => Interlocked.Read(ref _forwarded);

    public void Dispose()
    {
        _stop.Cancel();
        _in.Dispose();
        _out.Dispose();
        _loop.Wait(TimeSpan.FromSeconds(5));
    }
}
