using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;
using Akka.Dispatch;
using Akka.IO;

namespace Inspur.Media.Ingest;

/// <summary>
/// One thread that reads every registered UDP ingest socket once per tick: it drains each socket without blocking
/// (what the kernel queued since the last tick, in order) and hands each socket's datagrams on as one chunk (chunks
/// never exceed <see cref="BufferedSourceLogic.MaxBatchBytes"/>). A 5 Mbps feed sends a datagram every 2 ms; reading it
/// with an awaited receive per datagram costs two thread wake-ups each (the socket engine's, then a pool thread's),
/// and those wake-ups, not the bytes, were most of a passthrough channel's CPU. Here N channels cost one wake-up per
/// tick between them, for at most a tick of delay, and a socket costs about one system call per tick (Linux
/// <c>recvmmsg</c>, see <see cref="DatagramBatchReceiver"/>). The kernel's receive buffer holds a tick's datagrams
/// meanwhile, so it must be sized for a tick of the fastest feed (8 MB requested; the kernel caps it at rmem_max).
/// The same thread runs the work of <see cref="IngestDispatcher"/> (the ingest graphs' stream actors) after each drain,
/// so what it read is segmented without waking another thread.
/// </summary>
public sealed class UdpIngestPoller
{
    private static readonly ConcurrentDictionary<TimeSpan, UdpIngestPoller> Pollers = new();

    /// <summary>
    /// The least receive buffer (as the kernel reports it) a socket needs to be polled: a tick of a bursty feed must fit
    /// (a 1080p keyframe can arrive as 150 datagrams at once). Linux grants twice what was asked, up to twice
    /// <c>net.core.rmem_max</c>, whose common default of 208 KB falls short; such sockets are read as datagrams arrive.
    /// </summary>
    public const int MinimumReceiveBuffer = 1024 * 1024;

    /// <summary>What one socket may hand on per tick before the others get their turn (80 MB/s at a 10 ms tick).</summary>
    internal const int MaxBytesPerTick = 800 * 1024;

    private readonly object _gate = new();
    private readonly ConcurrentQueue<IRunnable> _work = new();
    private Registration[] _registrations = [];
    private Thread? _thread;
    private int _waiting;
    private long _workFaults;

    private UdpIngestPoller(TimeSpan tick) => Tick = tick;

    /// <summary>The poller of this process for <paramref name="tick"/>: sources with the same tick share its thread.</summary>
    public static UdpIngestPoller For(TimeSpan tick)
    {
        if (tick <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(tick), tick, "a poll tick must be positive");
        return Pollers.GetOrAdd(tick, t => new UdpIngestPoller(t));
    }

    public TimeSpan Tick { get; }

    /// <summary>Sockets read now.</summary>
    public int Count => Volatile.Read(ref _registrations).Length;

    /// <summary>
    /// Reads <paramref name="socket"/> (made non-blocking here) from the next tick on: <paramref name="deliver"/> gets
    /// each tick's bytes and their datagram count, <paramref name="fail"/> a receive error (after which the socket is no
    /// longer read). Disposing the result stops reading and closes the socket; once it returns, neither callback runs
    /// again and the port is free.
    /// </summary>
    public IDisposable Register(Socket socket, Action<ByteString, int> deliver, Action<Exception> fail)
    {
        socket.Blocking = false;
        var registration = new Registration(this, socket, deliver, fail);
        lock (_gate)
        {
            _registrations = [.. _registrations, registration];
            Monitor.PulseAll(_gate);
        }

        EnsureThread();
        return registration;
    }

    private void Remove(Registration registration)
    {
        lock (_gate) _registrations = [.. _registrations.Where(r => r != registration)];
    }

    /// <summary>
    /// Runs <paramref name="work"/> on this poller's thread: right away when it waits for the next tick, else after the
    /// sockets of this tick have been drained (work posted while it runs is run in the same turn). This is how the
    /// stream actors of <see cref="IngestDispatcher"/> run where their chunks were read.
    /// </summary>
    public void Post(IRunnable work)
    {
        EnsureThread();
        _work.Enqueue(work);
        if (Volatile.Read(ref _waiting) == 0) return;
        lock (_gate) Monitor.PulseAll(_gate);
    }

    /// <summary>Work items that threw out of their run (an actor's mailbox run catches its actor's faults itself).</summary>
    public long WorkFaults => Interlocked.Read(ref _workFaults);

    private void EnsureThread()
    {
        if (Volatile.Read(ref _thread) is not null) return;
        lock (_gate)
        {
            if (_thread is not null) return;
            _thread = new Thread(Run) { IsBackground = true, Name = $"udp-ingest-{Tick.TotalMilliseconds:0}ms" };
            _thread.Start();
        }
    }

    private void Run()
    {
        using var receiver = new DatagramBatchReceiver();
        var chunk = GC.AllocateUninitializedArray<byte>(BufferedSourceLogic.MaxBatchBytes);
        var tick = (long)(Tick.TotalSeconds * Stopwatch.Frequency);
        var next = Stopwatch.GetTimestamp();
        while (true)
        {
            var registrations = Volatile.Read(ref _registrations);
            var now = Stopwatch.GetTimestamp();
            if (registrations.Length > 0 && now >= next)
            {
                foreach (var registration in registrations)
                {
                    try
                    {
                        registration.Drain(receiver, chunk);
                    }
                    catch (Exception ex)
                    {
                        // A receive error, or a fault of a source's hand-on (never expected), stops that source, not the
                        // thread every channel needs.
                        registration.Fault(ex);
                    }
                }

                next += tick;
                // Behind (a loaded machine): read again at once, without catching up on the ticks missed.
                var drained = Stopwatch.GetTimestamp();
                if (next <= drained) next = drained;
            }

            RunWork(next);
            Wait(next);
        }
    }

    /// <summary>Runs the posted work until none is left or the next tick is due (reading the sockets comes first then).</summary>
    private void RunWork(long until)
    {
        while (_work.TryDequeue(out var work))
        {
            try
            {
                work.Run();
            }
            catch (Exception ex)
            {
                Interlocked.Increment(ref _workFaults);
                Trace.TraceError($"{Thread.CurrentThread.Name}: a work item threw: {ex}");
            }

            if (Volatile.Read(ref _registrations).Length > 0 && Stopwatch.GetTimestamp() >= until) return;
        }
    }

    /// <summary>Sleeps until <paramref name="next"/> (without sockets: until one is registered) or until work is posted.</summary>
    private void Wait(long next)
    {
        lock (_gate)
        {
            // Post reads _waiting after queueing its work, this reads the queue after setting _waiting (both fenced):
            // a post either sees the flag and pulses under the lock, or its work is seen here and nothing waits.
            Interlocked.Exchange(ref _waiting, 1);
            try
            {
                while (_work.IsEmpty)
                {
                    if (_registrations.Length == 0)
                    {
                        Monitor.Wait(_gate);
                        continue;
                    }

                    var wait = next - Stopwatch.GetTimestamp();
                    if (wait <= 0) return;
                    // Whole milliseconds, rounded up: a wait of under one would return at once, and spin until the tick.
                    Monitor.Wait(_gate, (int)Math.Ceiling(wait * 1000.0 / Stopwatch.Frequency));
                }
            }
            finally
            {
                Interlocked.Exchange(ref _waiting, 0);
            }
        }
    }

    private sealed class Registration(UdpIngestPoller poller, Socket socket, Action<ByteString, int> deliver, Action<Exception> fail)
        : IDisposable
    {
        private readonly object _gate = new();
        private bool _closed;

        /// <summary>Reads what the socket holds (up to <see cref="MaxBytesPerTick"/>) and hands it on in chunks.</summary>
        public void Drain(DatagramBatchReceiver receiver, byte[] chunk)
        {
            lock (_gate)
            {
                if (_closed) return;
                var used = 0;
                var datagrams = 0;
                var total = 0;
                while (total < MaxBytesPerTick)
                {
                    int count;
                    try
                    {
                        count = receiver.Receive(socket);
                    }
                    catch (Exception ex) when (ex is SocketException or IOException)
                    {
                        // Hand on what this tick read before the error; the thread then stops this source (Fault).
                        Flush(chunk, used, datagrams);
                        throw;
                    }

                    for (var i = 0; i < count; i++)
                    {
                        var datagram = receiver.Datagram(i);
                        if (used + datagram.Length > chunk.Length)
                        {
                            // This datagram would make the chunk too big: send what came before it, and start the next with it.
                            Flush(chunk, used, datagrams);
                            if (_closed) return;
                            used = 0;
                            datagrams = 0;
                        }

                        datagram.CopyTo(chunk.AsSpan(used));
                        used += datagram.Length;
                        datagrams++;
                        total += datagram.Length;
                    }

                    if (count < receiver.Capacity) break; // the queue is empty
                }

                Flush(chunk, used, datagrams);
            }
        }

        private void Flush(byte[] chunk, int count, int datagrams)
        {
            if (datagrams > 0) deliver(ByteString.CopyFrom(chunk, 0, count), datagrams);
        }

        public void Fault(Exception error)
        {
            lock (_gate)
            {
                if (_closed) return;
                Close();
            }

            fail(error);
        }

        private void Close()
        {
            _closed = true;
            poller.Remove(this);
            socket.Dispose();
        }

        public void Dispose()
        {
            lock (_gate)
            {
                if (!_closed) Close();
            }
        }
    }
}
