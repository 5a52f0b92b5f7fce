namespace Inspur.Media.Ingest;

/// <summary>Live counters of one ingest source, read by the channel for "no input" and "bitrate collapse" alarms.</summary>
public sealed class IngestStats
{
    private long _bytes;
    private long _datagrams;
    private long _dropped;
    private long _lastReceiveTicks;

    public long Bytes => Interlocked.Read(ref _bytes);

    public long Datagrams => Interlocked.Read(ref _datagrams);

    /// <summary>Datagrams dropped because downstream could not keep up (UDP cannot be slowed down).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>When the last byte arrived, or null when none has.</summary>
    public DateTimeOffset? LastReceived
    {
        get
        {
            var ticks = Interlocked.Read(ref _lastReceiveTicks);
            return ticks == 0 ? null : new DateTimeOffset(ticks, TimeSpan.Zero);
        }
    }

    internal void Received(int bytes, DateTimeOffset now)
    {
        Interlocked.Add(ref _bytes, bytes);
        Interlocked.Increment(ref _datagrams);
        Interlocked.Exchange(ref _lastReceiveTicks, now.UtcTicks);
    }

    internal void Drop() => Interlocked.Increment(ref _dropped);
}
