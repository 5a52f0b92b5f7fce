using System.Threading.Channels;
using Inspur.Media.Archive;
using Inspur.Media.Segmenting;

namespace Inspur.Host.Archive;

/// <summary>
/// Where this node keeps its archive, how big it may grow and how it writes (<c>Inspur:Archive:*</c>).
/// <paramref name="DirectWrites"/>: segments are written with <c>O_DIRECT</c> where the file system takes it (see
/// <see cref="ArchiveWriter.DirectWrites"/>); false writes through the page cache everywhere.
/// </summary>
public sealed record ArchiveSettings(bool Enabled, string Root, long? QuotaBytes, bool DirectWrites = true)
{
    public static ArchiveSettings Read(IConfiguration configuration, string dataDir)
    {
        var section = configuration.GetSection("Inspur:Archive");
        var root = section["Dir"] ?? Path.Combine(dataDir, "archive");
        long? quota = null;
        if (section["QuotaGb"] is { } text)
        {
            if (!double.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var gb) || gb <= 0)
                throw new InvalidOperationException($"Inspur:Archive:QuotaGb '{text}' must be a positive number of GB");
            quota = (long)(gb * 1024 * 1024 * 1024);
        }

        return new ArchiveSettings(section.GetValue("Enabled", true), Path.GetFullPath(root), quota, section.GetValue("DirectWrites", true));
    }
}

/// <summary>
/// This node's archive (ARCHITECTURE principle 3): one layout, writer, reader and usage shared by the live pipelines
/// (which write every published segment), time-shift delivery (which reads by time) and retention.
/// </summary>
public sealed class NodeArchive(ArchiveSettings settings, TimeProvider clock)
{
    public ArchiveSettings Settings { get; } = settings;

    public ArchiveLayout Layout { get; } = new(settings.Root);

    public ArchiveUsage Usage { get; } = new();

    public ArchiveReader Reader => new(Layout);

    public TimeShiftPlaylists Playlists => new(Reader, clock);

    /// <summary>The last retention pass, for operators; null before the first.</summary>
    public RetentionReport? LastRetention { get; set; }

    /// <summary>A per-pipeline queue in front of the writer, so the stream thread never waits for the disk.</summary>
    /// <summary>
    /// Records with the channel's archive whether it is served encrypted (a marker file beside its renditions, so any node
    /// serving this storage knows, even once the channel has stopped). Set at every pipeline start from the channel's config.
    /// </summary>
    public void MarkEncrypted(string channel, bool encrypted)
    {
        var marker = EncryptedMarker(channel);
        if (encrypted == File.Exists(marker)) return;
        if (encrypted)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(marker)!);
            File.WriteAllText(marker, "AES-128: this channel's archive is served encrypted\n");
        }
        else
        {
            File.Delete(marker);
        }
    }

    public bool IsEncrypted(string channel) => File.Exists(EncryptedMarker(channel));

    private string EncryptedMarker(string channel) => Path.Combine(Layout.ChannelDir(channel), ".encrypted");

    public ArchiveFeed Feed(string channel) => new(new ArchiveWriter(Layout, Usage) { DirectWrites = Settings.DirectWrites }, channel);
}

/// <summary>
/// Writes one channel's published segments to the archive on a background task, in order; a full queue (the disk
/// cannot keep up) drops the segment and counts it as a failure, so the live path never blocks on the archive.
/// </summary>
public sealed class ArchiveFeed : IDisposable
{
    public const int Backlog = 64;

    private readonly Channel<(string Rendition, SegmentInfo Info, byte[] Bytes)> _queue =
        Channel.CreateBounded<(string, SegmentInfo, byte[])>(new BoundedChannelOptions(Backlog) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    private readonly ArchiveWriter _writer;
    private readonly string _channel;
    private readonly Task _loop;
    private long _failures;
    private string? _lastError;

    public ArchiveFeed(ArchiveWriter writer, string channel)
    {
        _writer = writer;
        _channel = channel;
        _loop = Task.Run(WriteLoopAsync);
    }

    public long Failures => Interlocked.Read(ref _failures);

    public string? LastError => Volatile.Read(ref _lastError);

    /// <summary>Segments this feed has archived with direct IO, and through the page cache.</summary>
    public (long Direct, long Buffered) Written => _writer.Counts;

    /// <summary>Queues a segment a rendition just published (its bytes are immutable from then on).</summary>
    public void Add(string rendition, SegmenterOutput output)
    {
        if (output is not SegmentReady s) return;
        if (!_queue.Writer.TryWrite((rendition, s.Info, s.Bytes))) Fail($"archive queue full ({Backlog} segments): the disk does not keep up; segment {s.Info.Sequence} of {rendition} not archived");
    }

    private async Task WriteLoopAsync()
    {
        await foreach (var (rendition, info, bytes) in _queue.Reader.ReadAllAsync())
        {
            if (_writer.Write(_channel, rendition, info, bytes) is ArchiveWriteFailed failed) Fail($"{failed.Reason} ({failed.Path})");
        }
    }

    private void Fail(string why)
    {
        Volatile.Write(ref _lastError, why);
        Interlocked.Increment(ref _failures);
    }

    /// <summary>Takes no more segments; those queued are still written (the loop drains on its own, nobody waits).</summary>
    public void Dispose() => _queue.Writer.TryComplete();

    /// <summary>Completes when everything queued before <see cref="Dispose"/> is written.</summary>
    public Task Drained => _loop;
}
