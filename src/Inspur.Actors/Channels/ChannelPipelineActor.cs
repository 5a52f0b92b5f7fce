using Akka.Actor;
using Akka.Event;
using Inspur.Domain.Channels;
using static Inspur.Domain.Channels.ChannelReplies;

namespace Inspur.Actors.Channels;

/// <summary>Starts a channel's live data plane on this node (implemented by the host: ingest → packager → hot window).</summary>
public interface ILivePipelines
{
    /// <summary>Starts the pipeline; disposing the handle stops it. Throws when it cannot start (e.g. the port is taken).</summary>
    ILivePipeline Start(ChannelId channel, ChannelConfig config);
}

/// <summary>A running pipeline: its completion (faulted when it failed) and how to stop it.</summary>
public interface ILivePipeline : IDisposable
{
    Task Completion { get; }

    /// <summary>When the last input bytes arrived; null before any.</summary>
    DateTimeOffset? LastInput { get; }
}

/// <summary>
/// Child of a running channel entity that owns its pipeline: starts it, restarts it after a delay when it fails or
/// cannot start, and stops it when the entity stops, passivates or moves to another node.
/// </summary>
public sealed class ChannelPipelineActor : ReceiveActor, IWithTimers
{
    public static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(2);

    /// <summary>No input for this long raises the <see cref="AlarmKinds.NoInput"/> alarm; input again clears it.</summary>
    public static readonly TimeSpan NoInputAfter = TimeSpan.FromSeconds(5);

    private sealed record Check
    {
        public static readonly Check Instance = new();
    }

    private sealed record Retry
    {
        public static readonly Retry Instance = new();
    }

    private sealed record Ended(Exception? Cause);

    private readonly ChannelId _channel;
    private readonly ChannelConfig _config;
    private readonly ILivePipelines _pipelines;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private ILivePipeline? _pipeline;
    private DateTimeOffset _watchingSince = DateTimeOffset.UtcNow;
    private bool _noInput;

    public ChannelPipelineActor(ChannelId channel, ChannelConfig config, ILivePipelines pipelines)
    {
        _channel = channel;
        _config = config;
        _pipelines = pipelines;
        Receive<Retry>(_ => StartPipeline());
        Receive<Check>(_ => CheckInput());
        Receive<IChannelReply>(_ => { });
        Receive<Ended>(e =>
        {
            _pipeline?.Dispose();
            _pipeline = null;
            _log.Warning("channel {0}: pipeline ended{1}; restarting in {2}", _channel, e.Cause is null ? "" : $": {e.Cause.Message}", RetryDelay);
            Timers.StartSingleTimer("retry", Retry.Instance, RetryDelay);
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart()
    {
        StartPipeline();
        Timers.StartPeriodicTimer("check", Check.Instance, TimeSpan.FromSeconds(1));
    }

    /// <summary>Raises the no-input alarm after <see cref="NoInputAfter"/> of silence and clears it when bytes flow again.</summary>
    private void CheckInput()
    {
        var last = _pipeline?.LastInput ?? _watchingSince;
        var silent = DateTimeOffset.UtcNow - last;
        if (!_noInput && silent > NoInputAfter)
        {
            _noInput = true;
            Context.Parent.Tell(new ChannelCommands.ReportAlarm(_channel, AlarmKinds.NoInput,
                $"no input from {_config.Source} for {silent.TotalSeconds:0} s"));
        }
        else if (_noInput && silent <= NoInputAfter)
        {
            _noInput = false;
            Context.Parent.Tell(new ChannelCommands.ReportAlarm(_channel, AlarmKinds.NoInput, null));
        }
    }

    protected override void PostStop() => _pipeline?.Dispose();

    private void StartPipeline()
    {
        try
        {
            _watchingSince = DateTimeOffset.UtcNow;
            _pipeline = _pipelines.Start(_channel, _config);
            _pipeline.Completion.ContinueWith(t => new Ended(t.Exception?.GetBaseException()), TaskScheduler.Default).PipeTo(Self);
            _log.Info("channel {0}: pipeline started from {1}", _channel, _config.Source);
        }
        catch (Exception ex)
        {
            _log.Warning("channel {0}: pipeline cannot start from {1}: {2}; retrying in {3}", _channel, _config.Source, ex.Message, RetryDelay);
            Timers.StartSingleTimer("retry", Retry.Instance, RetryDelay);
        }
    }
}
