namespace Inspur.Media.Ingest;

/// <summary>Live counters of one ingest source, read by the channel for "no input" and "bitrate collapse" alarms.</summary>
public sealed class IngestStats
{
    private long _bytes;
    private long _datagrams;
    private long _dropped;
    private long _reconnects;
    private long _lastReceiveTicks;
    private string? _lastError;

    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>Datagrams received (UDP), or reads from the connection or pipe (HTTP, ffmpeg).</summary>
    public long Datagrams => Interlocked.Read(ref _datagrams);

    /// <summary>Datagrams dropped because downstream could not keep up (UDP cannot be slowed down).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Times the source connected (or started ffmpeg) again after its input failed or ended.</summary>
    public long Reconnects => Interlocked.Read(ref _reconnects);

    /// <summary>Why the input last failed or ended, in words an alarm can show; null while it never has.</summary>
    public string? LastError => Volatile.Read(ref _lastError);

    /// <summary>When the last byte arrived, or null when none has.</summary>
    public DateTimeOffset? LastReceived
    {
        get
        {
            var ticks = Interlocked.Read(ref _lastReceiveTicks);
            return ticks == 0 ? null : new DateTimeOffset(ticks, TimeSpan.Zero);
        }
    }

    internal void Received(int bytes, int datagrams, DateTimeOffset now)
    {
        Interlocked.Add(ref _bytes, bytes);
        Interlocked.Add(ref _datagrams, datagrams);
        Interlocked.Exchange(ref _lastReceiveTicks, now.UtcTicks);
    }

    internal void Drop(int datagrams) => Interlocked.Add(ref _dropped, datagrams);

    internal void Reconnecting() => Interlocked.Increment(ref _reconnects);

    internal void Failed(string error) => Volatile.Write(ref _lastError, error);
}
