namespace Inspur.Domain.Channels;

/// <summary>What a running pipeline measured at one instant; the monitor turns a series of these into alarms and a phase.</summary>
public sealed record PipelineHealth
{
    public required DateTimeOffset At { get; init; }

    /// <summary>When the pipeline (re)started; silence is counted from here before any byte arrived.</summary>
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>When the last byte arrived from the active source; null before any.</summary>
    public DateTimeOffset? LastInput { get; init; }

    /// <summary>Bytes received from the sources so far (monotonic).</summary>
    public long InputBytes { get; init; }

    public bool OnBackup { get; init; }

    /// <summary>The ingest's own word on why nothing arrives (connection refused, file missing, …).</summary>
    public string? InputError { get; init; }

    /// <summary>TR 101 290 priority-1 error counts so far (monotonic).</summary>
    public long SyncLosses { get; init; }

    public long ContinuityErrors { get; init; }

    public long PatMissing { get; init; }

    public long PmtMissing { get; init; }

    /// <summary>When a rendition last published a segment; null before any.</summary>
    public DateTimeOffset? LastSegment { get; init; }

    public TimeSpan TargetDuration { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Transcoder restarts so far (monotonic) and the last exit, when the channel transcodes.</summary>
    public int TranscoderRestarts { get; init; }

    public string? TranscoderExit { get; init; }

    /// <summary>Why a passthrough channel's input cannot be played as it is (e.g. MPEG-2 video).</summary>
    public string? MustTranscode { get; init; }

    /// <summary>Segments the archive could not store so far (monotonic), and why the last one failed.</summary>
    public long ArchiveFailures { get; init; }

    public string? ArchiveError { get; init; }

    /// <summary>The node's archive is near its quota (the oldest hours are about to go); null when it is not.</summary>
    public string? ArchiveNearQuota { get; init; }

    public long Tr101290Errors => SyncLosses + ContinuityErrors + PatMissing + PmtMissing;
}

/// <summary>Thresholds of the <see cref="ChannelMonitor"/>.</summary>
public sealed record MonitorOptions
{
    /// <summary>No input for this long raises <see cref="AlarmKinds.NoInput"/>.</summary>
    public TimeSpan NoInputAfter { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>At least this many TR 101 290 priority-1 errors within <see cref="ErrorWindow"/> raise <see cref="AlarmKinds.Tr101290"/>.</summary>
    public int ErrorThreshold { get; init; } = 10;

    public TimeSpan ErrorWindow { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The stream alarm clears after this long without a new error.</summary>
    public TimeSpan ErrorQuietFor { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The input rate over <see cref="RateWindow"/> below this fraction of the rate over <see cref="BaselineWindow"/> is a collapse.</summary>
    public double CollapseBelow { get; init; } = 0.25;

    /// <summary>Back above this fraction of the baseline clears the collapse.</summary>
    public double RecoverAbove { get; init; } = 0.6;

    public TimeSpan RateWindow { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan BaselineWindow { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>A baseline below this is too thin to judge a collapse by.</summary>
    public long MinBaselineKbps { get; init; } = 100;

    /// <summary>The transcoder alarm clears once the transcoder has run this long without another restart.</summary>
    public TimeSpan TranscoderStableFor { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The archive alarm clears after this long without another failed write.</summary>
    public TimeSpan ArchiveQuietFor { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>No segment for this many target durations after one was published: the channel has failed.</summary>
    public int FailedAfterTargets { get; init; } = 4;

    /// <summary>No first segment this long after the start: the channel has failed.</summary>
    public TimeSpan FirstSegmentWithin { get; init; } = TimeSpan.FromSeconds(20);
}

/// <summary>What the monitor decided from one sample: alarm changes (detail null = cleared), the phase and the input rate.</summary>
public sealed record MonitorVerdict(IReadOnlyList<(string Kind, string? Detail)> AlarmChanges, ChannelPhase Phase, string? Reason, long InputKbps);

/// <summary>
/// Pure alarm and lifecycle logic of one running pipeline (no clock of its own, no Akka): each
/// <see cref="Observe"/> of a <see cref="PipelineHealth"/> sample says which alarms to raise or clear and which phase
/// (Starting, Live, Degraded, Failed) the channel is in, with hysteresis so an alarm does not flap.
/// </summary>
public sealed class ChannelMonitor(string source, string? backup, MonitorOptions? options = null)
{
    private readonly MonitorOptions _options = options ?? new MonitorOptions();
    private readonly Queue<(DateTimeOffset At, long Bytes, long Errors)> _history = new();
    private readonly Dictionary<string, string> _active = new();
    private DateTimeOffset? _lastErrorAt;
    private DateTimeOffset? _flowingSince;
    private int _transcoderRestarts;
    private long _archiveFailures;
    private DateTimeOffset? _archiveFailedAt;
    private DateTimeOffset? _transcoderRestartAt;

    /// <summary>Input with gaps no longer than this is flowing.</summary>
    private static readonly TimeSpan FlowGap = TimeSpan.FromSeconds(2);

    public IReadOnlyDictionary<string, string> Active => _active;

    /// <summary>
    /// A new pipeline instance starts its counters from zero: forget the old series, keep the alarms raised (so they
    /// still clear when their cause ends).
    /// </summary>
    public void Restarted()
    {
        _history.Clear();
        _transcoderRestarts = 0;
        _archiveFailures = 0;
        _flowingSince = null;
    }

    public MonitorVerdict Observe(PipelineHealth h)
    {
        var changes = new List<(string, string?)>();
        void Set(string kind, string? detail)
        {
            if (detail is not null && !_active.ContainsKey(kind))
            {
                _active[kind] = detail;
                changes.Add((kind, detail));
            }
            else if (detail is null && _active.Remove(kind))
            {
                changes.Add((kind, null));
            }
        }

        _history.Enqueue((h.At, h.InputBytes, h.Tr101290Errors));
        while (_history.Count > 1 && h.At - _history.Peek().At > _options.BaselineWindow) _history.Dequeue();

        // No input: silence on every source.
        var silentFor = h.At - (h.LastInput ?? h.StartedAt);
        if (silentFor > _options.NoInputAfter)
            Set(AlarmKinds.NoInput, $"no input from {(h.OnBackup ? backup : source)}{(backup is null || h.OnBackup ? "" : $" nor {backup}")} for {silentFor.TotalSeconds:0} s" +
                                    (h.InputError is null ? "" : $": {h.InputError}"));
        else if (silentFor <= _options.NoInputAfter) Set(AlarmKinds.NoInput, null);

        Set(AlarmKinds.OnBackup, h.OnBackup ? $"primary {source} is silent; playing the backup {backup}" : null);

        // TR 101 290: errors within the window over the threshold; cleared after a quiet spell.
        var windowErrors = h.Tr101290Errors - Oldest(h.At - _options.ErrorWindow).Errors;
        if (_history.Count > 1 && h.Tr101290Errors > _history.ElementAt(_history.Count - 2).Errors) _lastErrorAt = h.At;
        if (windowErrors >= _options.ErrorThreshold)
            Set(AlarmKinds.Tr101290, $"{windowErrors} TR 101 290 priority-1 errors in {_options.ErrorWindow.TotalSeconds:0} s " +
                                     $"(so far: sync loss {h.SyncLosses}, continuity {h.ContinuityErrors}, PAT missing {h.PatMissing}, PMT missing {h.PmtMissing})");
        else if (_lastErrorAt is null || h.At - _lastErrorAt > _options.ErrorQuietFor) Set(AlarmKinds.Tr101290, null);

        // Bitrate collapse: bytes kept arriving over the whole rate window, but far fewer than the recent baseline.
        // (A silence is no-input, and the rate just after one says nothing yet.)
        var flowing = silentFor <= FlowGap;
        _flowingSince = flowing ? _flowingSince ?? h.At : null;
        var recent = Rate(h, h.At - _options.RateWindow);
        var baselineStart = _history.Peek();
        var baselineSpan = h.At - baselineStart.At;
        if (!flowing) Set(AlarmKinds.BitrateCollapse, null);
        else if (baselineSpan >= _options.RateWindow * 3 && h.At - _flowingSince >= _options.RateWindow)
        {
            var earlier = RateBetween(baselineStart, Oldest(h.At - _options.RateWindow));
            if (!_active.ContainsKey(AlarmKinds.BitrateCollapse) && earlier >= _options.MinBaselineKbps && recent > 0 && recent < earlier * _options.CollapseBelow)
                Set(AlarmKinds.BitrateCollapse, $"input at {recent} kb/s, down from {earlier} kb/s");
            else if (_active.ContainsKey(AlarmKinds.BitrateCollapse) && (recent == 0 || recent >= earlier * _options.RecoverAbove)) Set(AlarmKinds.BitrateCollapse, null);
        }

        // Transcoder: a restart raises; a stable run clears.
        if (h.TranscoderRestarts > _transcoderRestarts)
        {
            _transcoderRestarts = h.TranscoderRestarts;
            _transcoderRestartAt = h.At;
            _active.Remove(AlarmKinds.TranscoderCrash, out var previous);
            var detail = $"transcoder restarted ({h.TranscoderRestarts} so far): {h.TranscoderExit ?? "exited"}";
            _active[AlarmKinds.TranscoderCrash] = detail;
            if (previous is null) changes.Add((AlarmKinds.TranscoderCrash, detail));
        }
        else if (_transcoderRestartAt is { } at && h.At - at >= _options.TranscoderStableFor)
        {
            _transcoderRestartAt = null;
            Set(AlarmKinds.TranscoderCrash, null);
        }

        // Archive: a failed write raises (live playback goes on from memory); a quiet spell clears.
        if (h.ArchiveFailures > _archiveFailures)
        {
            _archiveFailures = h.ArchiveFailures;
            _archiveFailedAt = h.At;
            Set(AlarmKinds.Archive, $"the archive could not store segments ({h.ArchiveFailures} so far): {h.ArchiveError}");
        }
        else if (_archiveFailedAt is { } failedAt && h.At - failedAt >= _options.ArchiveQuietFor)
        {
            _archiveFailedAt = null;
            Set(AlarmKinds.Archive, null);
        }

        Set(AlarmKinds.ArchiveQuota, h.ArchiveNearQuota);
        Set(AlarmKinds.MustTranscode, h.MustTranscode is null ? null : $"{h.MustTranscode}; give the channel a transcode ladder");

        var (phase, reason) = Phase(h);
        return new MonitorVerdict(changes, phase, reason, recent);
    }

    private (ChannelPhase, string?) Phase(PipelineHealth h)
    {
        if (h.LastSegment is not { } last)
        {
            if (h.At - h.StartedAt > _options.FirstSegmentWithin) return (ChannelPhase.Failed, $"no segment since the start {(h.At - h.StartedAt).TotalSeconds:0} s ago{Why()}");
            return (ChannelPhase.Starting, null);
        }

        var quiet = h.At - last;
        if (quiet > h.TargetDuration * _options.FailedAfterTargets) return (ChannelPhase.Failed, $"no segment for {quiet.TotalSeconds:0} s{Why()}");
        return _active.Count == 0 ? (ChannelPhase.Live, null) : (ChannelPhase.Degraded, string.Join(", ", _active.Keys.Order()));
    }

    private string Why() => _active.Count == 0 ? "" : $": {string.Join("; ", _active.OrderBy(a => a.Key).Select(a => a.Value))}";

    private (DateTimeOffset At, long Bytes, long Errors) Oldest(DateTimeOffset since)
    {
        foreach (var entry in _history)
        {
            if (entry.At >= since) return entry;
        }

        return _history.Last();
    }

    private long Rate(PipelineHealth h, DateTimeOffset since) => RateBetween(Oldest(since), (h.At, h.InputBytes, 0));

    private static long RateBetween((DateTimeOffset At, long Bytes, long Errors) from, (DateTimeOffset At, long Bytes, long Errors) to)
    {
        var seconds = (to.At - from.At).TotalSeconds;
        return seconds <= 0 ? 0 : (long)((to.Bytes - from.Bytes) * 8 / 1000.0 / seconds);
    }
}
