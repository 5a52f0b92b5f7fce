using Akka.Actor;
using Akka.Event;
using Inspur.Domain.Channels;
using static Inspur.Domain.Channels.ChannelReplies;

namespace Inspur.Actors.Channels;

/// <summary>Starts a channel's live data plane on this node (implemented by the host: ingest → [transcode] → packager → hot window).</summary>
public interface ILivePipelines
{
    /// <summary>Starts the pipeline; disposing the handle stops it. Throws when it cannot start (e.g. the port is taken).</summary>
    ILivePipeline Start(ChannelId channel, ChannelConfig config);

    /// <summary>This node's name as operators see it (in a channel's live status).</summary>
    string Node { get; }
}

/// <summary>A running pipeline: its completion (faulted when it failed), what it measures, and how to stop it.</summary>
public interface ILivePipeline : IDisposable
{
    Task Completion { get; }

    /// <summary>A sample of the pipeline's counters; <paramref name="startedAt"/> and <paramref name="now"/> as the caller knows them.</summary>
    PipelineHealth Health(DateTimeOffset startedAt, DateTimeOffset now);

    /// <summary>The renditions it publishes.</summary>
    IReadOnlyList<string> Renditions { get; }
}

/// <summary>
/// Child of a running channel entity that owns its pipeline: starts it, restarts it with exponential backoff when it
/// fails or cannot start, samples its health every second into the <see cref="ChannelMonitor"/> and reports alarm and
/// phase changes to the entity (which persists them), and stops it when the entity stops, passivates or moves.
/// </summary>
public sealed class ChannelPipelineActor : ReceiveActor, IWithTimers
{
    public static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxRetry = TimeSpan.FromSeconds(30);

    /// <summary>A pipeline that ran this long without failing starts the backoff again from <see cref="FirstRetry"/>.</summary>
    public static readonly TimeSpan StableAfter = TimeSpan.FromSeconds(60);

    /// <summary>The pipeline's measurements for the entity's view; local, never persisted.</summary>
    public sealed record Status(ChannelLiveStatus Live);

    private sealed record Check
    {
        public static readonly Check Instance = new();
    }

    private sealed record Retry
    {
        public static readonly Retry Instance = new();
    }

    private sealed record Ended(ILivePipeline Pipeline, Exception? Cause);

    private readonly ChannelId _channel;
    private readonly ChannelConfig _config;
    private readonly ILivePipelines _pipelines;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly ChannelMonitor _monitor;
    private ILivePipeline? _pipeline;
    private DateTimeOffset _startedAt = DateTimeOffset.UtcNow;
    private int _failures;
    private bool _pipelineAlarm;
    private ChannelPhase? _reportedPhase;
    private string? _reportedReason;

    public ChannelPipelineActor(ChannelId channel, ChannelConfig config, ILivePipelines pipelines, MonitorOptions? monitor = null)
    {
        _channel = channel;
        _config = config;
        _pipelines = pipelines;
        _monitor = new ChannelMonitor(config.Source ?? "-", config.BackupSource, monitor);
        Receive<Retry>(_ => StartPipeline());
        Receive<Check>(_ => CheckHealth());
        Receive<IChannelReply>(_ => { });
        Receive<Ended>(e =>
        {
            if (e.Pipeline != _pipeline) return;
            _pipeline.Dispose();
            _pipeline = null;
            Failed($"pipeline ended{(e.Cause is null ? "" : $": {e.Cause.Message}")}");
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>The delay before retry number <paramref name="failures"/> (1-based): 1, 2, 4, … s, at most <see cref="MaxRetry"/>.</summary>
    public static TimeSpan DelayFor(int failures) =>
        TimeSpan.FromMilliseconds(Math.Min(MaxRetry.TotalMilliseconds, FirstRetry.TotalMilliseconds * Math.Pow(2, Math.Max(0, failures - 1))));

    protected override void PreStart()
    {
        StartPipeline();
        Timers.StartPeriodicTimer("check", Check.Instance, TimeSpan.FromSeconds(1));
    }

    protected override void PostStop() => _pipeline?.Dispose();

    private void StartPipeline()
    {
        _startedAt = DateTimeOffset.UtcNow;
        _monitor.Restarted();
        try
        {
            var pipeline = _pipelines.Start(_channel, _config);
            _pipeline = pipeline;
            pipeline.Completion.ContinueWith(t => new Ended(pipeline, t.Exception?.GetBaseException()), TaskScheduler.Default).PipeTo(Self);
            _log.Info("channel {0}: pipeline started from {1}{2}", _channel, _config.Source, _config.BackupSource is null ? "" : $" (backup {_config.BackupSource})");
        }
        catch (Exception ex)
        {
            Failed($"cannot start from {_config.Source}: {ex.Message}");
        }
    }

    /// <summary>The pipeline could not start or ended: alarm, Failed, and a retry after the backoff delay.</summary>
    private void Failed(string why)
    {
        // A run that lasted resets the backoff; quick failures double it.
        _failures = DateTimeOffset.UtcNow - _startedAt >= StableAfter ? 1 : _failures + 1;
        var delay = DelayFor(_failures);
        _log.Warning("channel {0}: {1}; retrying in {2}", _channel, why, delay);
        if (!_pipelineAlarm) Context.Parent.Tell(new ChannelCommands.ReportAlarm(_channel, AlarmKinds.Pipeline, $"{why} (retrying with backoff)"));
        _pipelineAlarm = true;
        Report(ChannelPhase.Failed, why);
        Timers.StartSingleTimer("retry", Retry.Instance, delay);
    }

    private void CheckHealth()
    {
        if (_pipeline is null) return;
        var now = DateTimeOffset.UtcNow;
        var health = _pipeline.Health(_startedAt, now);
        var verdict = _monitor.Observe(health);
        foreach (var (kind, detail) in verdict.AlarmChanges) Context.Parent.Tell(new ChannelCommands.ReportAlarm(_channel, kind, detail));
        // A pipeline that publishes again has recovered from whatever kept it from starting.
        if (health.LastSegment is not null && _pipelineAlarm)
        {
            _pipelineAlarm = false;
            Context.Parent.Tell(new ChannelCommands.ReportAlarm(_channel, AlarmKinds.Pipeline, null));
        }
        // A retry that has not published yet is still the failure it retries, not a fresh start.
        if (verdict.Phase == ChannelPhase.Starting && _pipelineAlarm) Report(ChannelPhase.Failed, _reportedReason);
        else Report(verdict.Phase, verdict.Reason);
        Context.Parent.Tell(new Status(new ChannelLiveStatus(health.OnBackup ? "backup" : "primary", verdict.InputKbps, health.LastInput,
            health.LastSegment, _pipeline.Renditions, _pipelines.Node)));
    }

    private void Report(ChannelPhase phase, string? reason)
    {
        if (phase == _reportedPhase && reason == _reportedReason) return;
        _reportedPhase = phase;
        _reportedReason = reason;
        Context.Parent.Tell(new ChannelCommands.ReportPhase(_channel, phase, reason));
    }
}
