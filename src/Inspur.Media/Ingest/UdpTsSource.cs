using System.Net;
using System.Net.Sockets;
using Akka.IO;
using Akka.Streams;
using Akka.Streams.Stage;

namespace Inspur.Media.Ingest;

/// <summary>Where a UDP MPEG-TS feed arrives: a local port, optionally a multicast group joined on a chosen interface.</summary>
public sealed record UdpIngestOptions(int Port)
{
    /// <summary>Local address to bind; any when null.</summary>
    public IPAddress? BindAddress { get; init; }

    /// <summary>Multicast group to join (e.g. 239.1.1.1); unicast when null.</summary>
    public IPAddress? MulticastGroup { get; init; }

    /// <summary>Interface address to join the group on; the default interface when null.</summary>
    public IPAddress? MulticastInterface { get; init; }

    /// <summary>Datagrams buffered while downstream is busy; older ones are kept, newer dropped and counted beyond this.</summary>
    public int BufferDatagrams { get; init; } = 4096;

    public int ReceiveBufferBytes { get; init; } = 8 * 1024 * 1024;

    /// <summary>
    /// Datagrams arriving within this window reach the stream together (one chunk): the socket is read once per window
    /// by the <see cref="UdpIngestPoller"/> shared by every source with this window, so N channels cost one wake-up per
    /// window between them, and a datagram reaches the stream at most this much later. Zero reads the socket on its own
    /// and hands on every datagram as it arrives (two wake-ups per datagram). When the kernel grants the socket less
    /// than <see cref="UdpIngestPoller.MinimumReceiveBuffer"/>, the socket is read on its own too, and what arrived
    /// within the window still reaches the stream as one chunk.
    /// </summary>
    public TimeSpan Coalesce { get; init; } = DefaultCoalesce;

    /// <summary>The default <see cref="Coalesce"/> window, which is also the default tick of <see cref="IngestDispatcher"/>.</summary>
    public static readonly TimeSpan DefaultCoalesce = TimeSpan.FromMilliseconds(10);

    public void Validate()
    {
        if (Port is < 1 or > 65535) throw new ArgumentOutOfRangeException(nameof(Port), Port, "port must be 1-65535");
        if (MulticastGroup is { } g && !IsMulticast(g)) throw new ArgumentException($"{g} is not a multicast address", nameof(MulticastGroup));
        if (BufferDatagrams < 16) throw new ArgumentOutOfRangeException(nameof(BufferDatagrams), BufferDatagrams, "buffer at least 16 datagrams");
        if (Coalesce < TimeSpan.Zero || Coalesce > TimeSpan.FromMilliseconds(100))
            throw new ArgumentOutOfRangeException(nameof(Coalesce), Coalesce, "coalesce 0-100 ms");
    }

    private static bool IsMulticast(IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetwork ? (address.GetAddressBytes()[0] & 0xF0) == 0xE0 : address.IsIPv6Multicast;
}

/// <summary>
/// An Akka.Streams source of UDP datagrams carrying MPEG-TS (1316-byte payloads usually). The socket is read (by the
/// shared <see cref="UdpIngestPoller"/> of its coalescing window, or by a loop of its own without one) into a bounded
/// buffer, because a sender cannot be slowed down: when downstream falls behind, datagrams are dropped and counted in
/// the materialized <see cref="IngestStats"/>. Fails with the socket's error (e.g. port in use).
/// </summary>
public sealed class UdpTsSource(UdpIngestOptions options, TimeProvider? clock = null)
    : GraphStageWithMaterializedValue<SourceShape<ByteString>, IngestStats>
{
    public UdpIngestOptions Options { get; } = options;

    public TimeProvider Clock { get; } = clock ?? TimeProvider.System;

    private readonly Outlet<ByteString> _out = new("udp.out");

    public override SourceShape<ByteString> Shape => new(_out);

    public override ILogicAndMaterializedValue<IngestStats> CreateLogicAndMaterializedValue(Attributes inheritedAttributes)
    {
        Options.Validate();
        var logic = new Logic(this);
        return new LogicAndMaterializedValue<IngestStats>(logic, logic.Stats);
    }

    private sealed class Logic(UdpTsSource stage)
        : BufferedSourceLogic(stage.Shape, stage.Options.BufferDatagrams, dropWhenFull: true, stage.Clock)
    {
        private Socket? _socket;
        private IDisposable? _polled;

        protected override void Begin()
        {
            var options = stage.Options;
            var socket = new Socket(options.MulticastGroup?.AddressFamily ?? AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            try
            {
                socket.ReceiveBufferSize = options.ReceiveBufferBytes;
                if (options.MulticastGroup is not null) socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
                var any = socket.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any;
                socket.Bind(new IPEndPoint(options.BindAddress ?? any, options.Port));
                if (options.MulticastGroup is { } group)
                {
                    if (group.AddressFamily == AddressFamily.InterNetwork)
                        socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.AddMembership,
                            new MulticastOption(group, options.MulticastInterface ?? IPAddress.Any));
                    else
                        socket.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.AddMembership, new IPv6MulticastOption(group));
                }
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                FailStage(new IOException($"cannot receive UDP on port {options.Port}{(options.MulticastGroup is null ? "" : $" group {options.MulticastGroup}")}: {ex.Message}", ex));
                return;
            }

            _socket = socket;
            if (options.Coalesce <= TimeSpan.Zero)
            {
                _ = ReceiveLoop(socket);
            }
            else if (socket.ReceiveBufferSize < UdpIngestPoller.MinimumReceiveBuffer)
            {
                // The kernel would not queue a tick of a bursty feed (rmem_max too low): read as datagrams arrive, and
                // coalesce what reaches the stream instead (two wake-ups per datagram, but nothing lost in the kernel).
                CoalesceWithin(options.Coalesce);
                _ = ReceiveLoop(socket);
            }
            else
            {
                _polled = UdpIngestPoller.For(options.Coalesce).Register(socket, Offer, ex => Fail(ReceiveFailed(ex)));
            }
        }

        protected override void Stopped()
        {
            _polled?.Dispose();
            _socket?.Dispose();
        }

        private IOException ReceiveFailed(Exception ex) => new($"UDP receive on port {stage.Options.Port} failed: {ex.Message}", ex);

        private async Task ReceiveLoop(Socket socket)
        {
            var buffer = new byte[65536];
            try
            {
                while (!Stopping.IsCancellationRequested)
                {
                    var received = await socket.ReceiveAsync(buffer, SocketFlags.None, Stopping);
                    if (received > 0) Offer(ByteString.CopyFrom(buffer, 0, received));
                }
            }
            catch (OperationCanceledException)
            {
            }
            catch (ObjectDisposedException)
            {
            }
            catch (SocketException ex)
            {
                Fail(ReceiveFailed(ex));
            }
        }
    }
}
