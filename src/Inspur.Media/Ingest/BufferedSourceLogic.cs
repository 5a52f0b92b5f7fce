using System.Threading.Channels;
using Akka.IO;
using Akka.Streams;
using Akka.Streams.Stage;

namespace Inspur.Media.Ingest;

/// <summary>
/// Stage logic of an ingest source fed by a background receive loop through a bounded buffer: the loop offers chunks
/// (dropping and counting them when full, or waiting for room), pulls take them, and the stage is woken only while it
/// waits, so a backlog costs no callbacks. With a coalescing window, a waiting stage is woken once per window rather
/// than once per chunk, and a pull takes everything buffered (up to <see cref="MaxBatchBytes"/>) as one chunk: a live
/// UDP feed of one datagram every 2 ms then costs a few wake-ups per window instead of one per datagram, for at most
/// the window's delay.
/// </summary>
internal abstract class BufferedSourceLogic : OutGraphStageLogic
{
    private readonly Outlet<ByteString> _out;
    private readonly Channel<Chunk> _buffer;
    private readonly int _capacity;
    private readonly bool _dropWhenFull;
    private long _bufferedDatagrams;
    private readonly CancellationTokenSource _stop = new();
    private Action? _onAvailable;
    private Action<Exception>? _onFailure;
    private TimeSpan _coalesce;
    private Timer? _flush;
    private int _waiting;

    /// <summary>The largest chunk a pull assembles from buffered chunks.</summary>
    public const int MaxBatchBytes = 64 * 1024;

    /// <param name="dropWhenFull">Drop (and count) what does not fit instead of making the loop wait for room.</param>
    /// <param name="coalesce">Wake a waiting stage at most once per this window and batch what arrived; zero wakes it per chunk.</param>
    protected BufferedSourceLogic(SourceShape<ByteString> shape, int capacity, bool dropWhenFull, TimeProvider clock, TimeSpan coalesce = default) : base(shape)
    {
        _coalesce = coalesce;
        _out = shape.Outlet;
        Clock = clock;
        _capacity = capacity;
        _dropWhenFull = dropWhenFull;
        // Dropping counts datagrams against the capacity (a chunk may carry many); waiting bounds the chunks themselves.
        _buffer = dropWhenFull
            ? Channel.CreateUnbounded<Chunk>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true })
            : Channel.CreateBounded<Chunk>(new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true, SingleWriter = true });
        SetHandler(_out, this);
    }

    public IngestStats Stats { get; } = new();

    protected TimeProvider Clock { get; }

    /// <summary>Cancelled when the stage stops (downstream cancelled, or it failed).</summary>
    protected CancellationToken Stopping => _stop.Token;

    public sealed override void PreStart()
    {
        _onAvailable = GetAsyncCallback(Deliver);
        _onFailure = GetAsyncCallback<Exception>(FailStage);
        if (_coalesce > TimeSpan.Zero) _flush = new Timer(_ => _onAvailable(), null, Timeout.Infinite, Timeout.Infinite);
        Begin();
    }

    /// <summary>Starts the receive loop; runs on the stage, so it may fail the stage directly.</summary>
    protected abstract void Begin();

    /// <summary>From <see cref="Begin"/>, before the loop offers anything: coalesce as if constructed with <paramref name="window"/>.</summary>
    protected void CoalesceWithin(TimeSpan window)
    {
        if (_flush is not null || window <= TimeSpan.Zero) return;
        _coalesce = window;
        _flush = new Timer(_ => _onAvailable!(), null, Timeout.Infinite, Timeout.Infinite);
    }

    /// <summary>Called once the stage has stopped and <see cref="Stopping"/> is cancelled.</summary>
    protected virtual void Stopped()
    {
    }

    public sealed override void OnPull() => Deliver();

    public sealed override void PostStop()
    {
        _flush?.Dispose();
        _stop.Cancel();
        Stopped();
    }

    /// <summary>
    /// From the loop of a source that drops when full: counts <paramref name="chunk"/> (<paramref name="datagrams"/>
    /// datagrams) as received and buffers it, or drops it whole (and counts its datagrams) when the buffer already
    /// holds its capacity of datagrams. A chunk is taken while there is room, so it may overshoot by one chunk.
    /// </summary>
    protected void Offer(ByteString chunk, int datagrams = 1)
    {
        Stats.Received(chunk.Count, datagrams, Clock.GetUtcNow());
        if (Interlocked.Read(ref _bufferedDatagrams) >= _capacity)
        {
            Stats.Drop(datagrams);
            return;
        }

        Interlocked.Add(ref _bufferedDatagrams, datagrams);
        if (_buffer.Writer.TryWrite(new Chunk(chunk, datagrams))) Wake();
    }

    /// <summary>From the loop: counts <paramref name="chunk"/> as received and buffers it, waiting while the buffer is full.</summary>
    protected async ValueTask OfferAsync(ByteString chunk)
    {
        Stats.Received(chunk.Count, 1, Clock.GetUtcNow());
        if (!_buffer.Writer.TryWrite(new Chunk(chunk, 1))) await _buffer.Writer.WriteAsync(new Chunk(chunk, 1), Stopping);
        Wake();
    }

    /// <summary>From the loop: fails the stage.</summary>
    protected void Fail(Exception error) => _onFailure!(error);

    private void Wake()
    {
        if (Volatile.Read(ref _waiting) != 1 || Interlocked.Exchange(ref _waiting, 0) != 1) return;
        if (_flush is null) _onAvailable!();
        else _flush.Change(_coalesce, Timeout.InfiniteTimeSpan);
    }

    private void Deliver()
    {
        if (!IsAvailable(_out)) return;
        if (_buffer.Reader.TryRead(out var chunk))
        {
            Push(_out, Batch(chunk));
            return;
        }

        // Announce the wait before looking again, so a chunk written in between is either seen here or wakes us.
        Interlocked.Exchange(ref _waiting, 1);
        if (_buffer.Reader.TryRead(out chunk))
        {
            Interlocked.Exchange(ref _waiting, 0);
            Push(_out, Batch(chunk));
        }
    }

    private void Taken(Chunk chunk)
    {
        if (_dropWhenFull) Interlocked.Add(ref _bufferedDatagrams, -chunk.Datagrams);
    }

    /// <summary>With coalescing, <paramref name="first"/> and what else is buffered, copied into one chunk.</summary>
    private ByteString Batch(Chunk first)
    {
        Taken(first);
        if (_flush is null || !_buffer.Reader.TryPeek(out var second) || first.Bytes.Count + second.Bytes.Count > MaxBatchBytes) return first.Bytes;
        var size = first.Bytes.Count;
        var parts = new List<ByteString>(8) { first.Bytes };
        while (_buffer.Reader.TryPeek(out var next) && size + next.Bytes.Count <= MaxBatchBytes && _buffer.Reader.TryRead(out next))
        {
            Taken(next);
            parts.Add(next.Bytes);
            size += next.Bytes.Count;
        }

        var bytes = new byte[size];
        var offset = 0;
        foreach (var part in parts)
        {
            part.CopyTo(bytes, offset, part.Count);
            offset += part.Count;
        }

        return ByteString.FromBytes(bytes);
    }

    private readonly record struct Chunk(ByteString Bytes, int Datagrams);
}
