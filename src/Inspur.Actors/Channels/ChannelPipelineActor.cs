using Akka.Actor;
using Akka.Event;
using Inspur.Domain.Channels;

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
}

/// <summary>
/// Child of a running channel entity that owns its pipeline: starts it, restarts it after a delay when it fails or
/// cannot start, and stops it when the entity stops, passivates or moves to another node.
/// </summary>
public sealed class ChannelPipelineActor : ReceiveActor, IWithTimers
{
    public static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(2);

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

    public ChannelPipelineActor(ChannelId channel, ChannelConfig config, ILivePipelines pipelines)
    {
        _channel = channel;
        _config = config;
        _pipelines = pipelines;
        Receive<Retry>(_ => StartPipeline());
        Receive<Ended>(e =>
        {
            _pipeline?.Dispose();
            _pipeline = null;
            _log.Warning("channel {0}: pipeline ended{1}; restarting in {2}", _channel, e.Cause is null ? "" : $": {e.Cause.Message}", RetryDelay);
            Timers.StartSingleTimer("retry", Retry.Instance, RetryDelay);
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart() => StartPipeline();

    protected override void PostStop() => _pipeline?.Dispose();

    private void StartPipeline()
    {
        try
        {
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
