using System.Collections.Concurrent;
using Inspur.Media.Hls;
using Inspur.Media.Protection;
using Inspur.Media.Segmenting;

namespace Inspur.Media.Live;

/// <summary>
/// The hot window of one live rendition, shared by the packaging stream (one writer) and HTTP delivery (many readers):
/// segment and part bytes of the current window, the rendered playlist per window version, and waiters for LL-HLS
/// blocking reloads and preload-hinted parts, released as soon as what they wait for exists.
/// </summary>
public sealed class LiveRendition : ISegmentSink
{
    private readonly LiveWindow _window;
    private readonly LivePlaylistOptions _options;
    private readonly ConcurrentDictionary<long, byte[]> _segments = new();
    private readonly ConcurrentDictionary<(long Sequence, int Index), byte[]> _parts = new();
    private readonly object _gate = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private (long Version, bool Skip, string Text)[] _rendered = [];

    public LiveRendition(string name, TimeSpan targetDuration, TimeSpan? partTarget, TimeSpan? windowDuration = null, LiveEncryption? encryption = null)
    {
        // A part of a CBC-encrypted segment cannot be decrypted on its own: AES-128 and LL-HLS parts do not mix.
        if (encryption is not null && partTarget is not null)
            throw new ArgumentException("AES-128 segment encryption cannot be combined with LL-HLS parts", nameof(encryption));
        Name = name;
        Encryption = encryption;
        _window = new LiveWindow(targetDuration, windowDuration);
        _options = new LivePlaylistOptions
        {
            SegmentUri = seq => $"{seq}.ts",
            PartUri = partTarget is null ? null : (seq, i) => $"{seq}.{i}.ts",
            PartTarget = partTarget,
            CanSkip = true,
            Key = encryption is null ? null : pdt => new HlsKey(LiveEncryption.KeyUri(encryption.Keys.Epoch(pdt))),
        };
    }

    /// <summary>Null: segments are served in the clear; else each is AES-128 encrypted under its key period's key.</summary>
    public LiveEncryption? Encryption { get; }

    public string Name { get; }

    public TimeSpan TargetDuration => _window.TargetDuration;

    public TimeSpan? PartTarget => _options.PartTarget;

    public LiveWindowSnapshot Snapshot => _window.Snapshot;

    /// <summary>The last published segment's stream description (for the master playlist).</summary>
    public StreamDescription? Description { get; set; }

    /// <summary>When the last segment was published (wall clock); null before any.</summary>
    public DateTimeOffset? LastPublished => Interlocked.Read(ref _lastPublishedTicks) is var t and > 0 ? new DateTimeOffset(t, TimeSpan.Zero) : null;

    private long _lastPublishedTicks;

    public void OnPart(PartInfo part, ReadOnlySpan<byte> bytes) => AddPart(part, bytes.ToArray());

    public void OnSegment(SegmentInfo segment, ReadOnlySpan<byte> bytes) => AddSegment(segment, bytes.ToArray());

    /// <summary>Takes what a <see cref="SegmenterStage"/> emitted (its arrays are kept, not copied).</summary>
    public void Accept(SegmenterOutput output)
    {
        switch (output)
        {
            case PartReady p:
                AddPart(p.Info, p.Bytes);
                break;
            case SegmentReady s:
                if (s.Description is not null) Description = s.Description;
                AddSegment(s.Info, s.Bytes);
                break;
        }
    }

    private void AddPart(PartInfo part, byte[] bytes)
    {
        _parts[(part.Sequence, part.Index)] = bytes;
        lock (_gate) _window.AddPart(part);
        Changed();
    }

    private void AddSegment(SegmentInfo segment, byte[] bytes)
    {
        _segments[segment.Sequence] = Encryption is { } e ? e.Encrypt(segment, bytes) : bytes;
        Interlocked.Exchange(ref _lastPublishedTicks, DateTimeOffset.UtcNow.UtcTicks);
        LiveWindowSnapshot snapshot;
        lock (_gate)
        {
            _window.AddSegment(segment);
            snapshot = _window.Snapshot;
        }

        // Keep bytes a little longer than the playlist lists them: a client that just read a playlist may still ask.
        var keepFrom = snapshot.MediaSequence - 2;
        foreach (var seq in _segments.Keys) if (seq < keepFrom) _segments.TryRemove(seq, out _);
        foreach (var key in _parts.Keys) if (key.Sequence < keepFrom) _parts.TryRemove(key, out _);
        Changed();
    }

    public bool TryGetSegment(long sequence, out byte[] bytes) => _segments.TryGetValue(sequence, out bytes!);

    public bool TryGetPart(long sequence, int index, out byte[] bytes) => _parts.TryGetValue((sequence, index), out bytes!);

    /// <summary>The media playlist text for the current window (rendered once per window version).</summary>
    public string Playlist(bool skip = false)
    {
        var snapshot = _window.Snapshot;
        foreach (var r in _rendered)
        {
            if (r.Version == snapshot.Version && r.Skip == skip) return r.Text;
        }

        var text = PlaylistWriter.Write(LivePlaylist.Render(snapshot, _options, skip));
        _rendered = [.. _rendered.Where(r => r.Version == snapshot.Version), (snapshot.Version, skip, text)];
        return text;
    }

    /// <summary>True when segment <paramref name="msn"/> (or its part <paramref name="part"/>) is in the window.</summary>
    public bool Has(long msn, int? part)
    {
        var s = _window.Snapshot;
        if (!s.Segments.IsEmpty && msn <= s.Segments[^1].Sequence) return true;
        return part is { } p && s.Parts.Any(x => x.Sequence == msn && x.Index >= p);
    }

    /// <summary>Waits until <see cref="Has"/> holds or <paramref name="timeout"/> passes; false on timeout.</summary>
    public async Task<bool> WaitForAsync(long msn, int? part, TimeSpan timeout, CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        while (!Has(msn, part))
        {
            Task changed;
            lock (_gate) changed = _changed.Task;
            if (Has(msn, part)) break;
            try
            {
                await changed.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                return false;
            }
        }

        return true;
    }

    private void Changed()
    {
        TaskCompletionSource done;
        lock (_gate)
        {
            done = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        done.TrySetResult();
    }
}

/// <summary>The live renditions this node serves, by channel id and rendition name; written by pipelines, read by delivery.</summary>
public sealed class LiveRegistry
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, LiveRendition>> _channels = new();

    // Writers (a pipeline starting or stopping, rare) take turns; readers (every HTTP request) never wait. Without it a
    // stopping pipeline could drop a channel's emptied map just as its successor published into it.
    private readonly object _writers = new();

    public void Publish(string channel, LiveRendition rendition)
    {
        lock (_writers) _channels.GetOrAdd(channel, _ => new ConcurrentDictionary<string, LiveRendition>())[rendition.Name] = rendition;
    }

    public void Remove(string channel)
    {
        lock (_writers) _channels.TryRemove(channel, out _);
    }

    /// <summary>
    /// Removes <paramref name="rendition"/> only if it is still the one published under its name: a pipeline that is
    /// being replaced must not take its successor off the air.
    /// </summary>
    public void Remove(string channel, LiveRendition rendition)
    {
        lock (_writers)
        {
            if (!_channels.TryGetValue(channel, out var renditions)) return;
            renditions.TryRemove(new KeyValuePair<string, LiveRendition>(rendition.Name, rendition));
            if (renditions.IsEmpty) _channels.TryRemove(channel, out _);
        }
    }

    public bool TryGet(string channel, string rendition, out LiveRendition live)
    {
        live = null!;
        return _channels.TryGetValue(channel, out var renditions) && renditions.TryGetValue(rendition, out live!);
    }

    /// <summary>The renditions of a channel, ordered by name; empty when the channel is not live here.</summary>
    public IReadOnlyList<LiveRendition> Renditions(string channel) =>
        _channels.TryGetValue(channel, out var renditions) ? renditions.Values.OrderBy(r => r.Name).ToList() : [];

    public IReadOnlyCollection<string> Channels => _channels.Keys.ToList();
}

/// <summary>
/// AES-128 for a live channel's renditions: segment <c>n</c> starting at program date-time <c>t</c> is encrypted with
/// the channel's key for the key period of <c>t</c> and the IV <c>n</c> (implicit, RFC 8216 §5.2). Every rendition
/// of a channel shares its key, served at <c>/live/{channel}/keys/{epoch}.key</c> (<see cref="KeyUri"/> is relative to
/// a rendition's playlist, so a tokenised playlist URL carries its token to the key as well).
/// </summary>
public sealed record LiveEncryption(ContentKeys Keys, string Content)
{
    public static string KeyUri(long epoch) => $"../keys/{epoch}.key";

    public byte[] Encrypt(SegmentInfo segment, ReadOnlySpan<byte> plain) =>
        SegmentCipher.Encrypt(plain, Keys.Key(Content, Keys.Epoch(segment.ProgramDateTime)), SegmentCipher.SequenceIv(segment.Sequence));
}
