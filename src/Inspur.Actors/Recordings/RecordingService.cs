using Akka.Actor;
using Akka.Event;
using Akka.Hosting;
using Inspur.Domain.Recordings;
using static Inspur.Domain.Recordings.RecordingCommands;
using static Inspur.Domain.Recordings.RecordingQueries;
using static Inspur.Domain.Recordings.RecordingReplies;

namespace Inspur.Actors.Recordings;

/// <summary>What web code uses to schedule, read and remove recordings; nobody outside Inspur.Actors holds an IActorRef.</summary>
public interface IRecordingService
{
    Task<IRecordingReply> ScheduleAsync(RecordingId id, RecordingRequest request, CancellationToken ct = default);

    Task<IRecordingReply> GetAsync(RecordingId id, CancellationToken ct = default);

    Task<IRecordingReply> CancelAsync(RecordingId id, CancellationToken ct = default);

    /// <summary>Cancels a recording under way and removes its files; answers the view in phase Deleted.</summary>
    Task<IRecordingReply> DeleteAsync(RecordingId id, CancellationToken ct = default);

    Task<IReadOnlyList<RecordingView>> ListAsync(CancellationToken ct = default);
}

/// <summary><see cref="IRecordingService"/> over the recording shard region and the recording directory projection.</summary>
public sealed class RecordingService(IRequiredActor<RecordingActor> recordings, IRequiredActor<RecordingDirectoryProjection> directory) : IRecordingService
{
    public static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(10);

    public Task<IRecordingReply> ScheduleAsync(RecordingId id, RecordingRequest request, CancellationToken ct = default) =>
        Write(new ScheduleRecording(id, request), ct);

    public Task<IRecordingReply> GetAsync(RecordingId id, CancellationToken ct = default) =>
        recordings.ActorRef.Ask<IRecordingReply>(new GetRecording(id), AskTimeout, ct);

    public Task<IRecordingReply> CancelAsync(RecordingId id, CancellationToken ct = default) => Write(new CancelRecording(id), ct);

    public Task<IRecordingReply> DeleteAsync(RecordingId id, CancellationToken ct = default) => Write(new DeleteRecording(id), ct);

    public async Task<IReadOnlyList<RecordingView>> ListAsync(CancellationToken ct = default) =>
        await directory.ActorRef.Ask<List<RecordingView>>(RecordingDirectoryProjection.ListRecordings.Instance, AskTimeout, ct);

    private async Task<IRecordingReply> Write(IRecordingCommand command, CancellationToken ct)
    {
        var reply = await recordings.ActorRef.Ask<IRecordingReply>(command, AskTimeout, ct);
        if (reply is RecordingView view) directory.ActorRef.Tell(new RecordingDirectoryProjection.Observed(view));
        return reply;
    }
}

/// <summary>
/// Wakes every recording the read model says is under way, shortly after start-up and then periodically, so timers come
/// back after a restart or a failover, interrupted exports are redone, and no recording under way is passivated.
/// </summary>
public sealed class RecordingKeeper : ReceiveActor, IWithTimers
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    private sealed record Tick
    {
        public static readonly Tick Instance = new();
    }

    private readonly ILoggingAdapter _log = Context.GetLogger();

    public RecordingKeeper(IActorRef recordings, IActorRef directory)
    {
        ReceiveAsync<Tick>(async _ =>
        {
            try
            {
                var all = await directory.Ask<List<RecordingView>>(RecordingDirectoryProjection.ListRecordings.Instance, RecordingService.AskTimeout);
                foreach (var r in all)
                {
                    if (r.Phase is RecordingPhase.Scheduled or RecordingPhase.Recording or RecordingPhase.Exporting)
                        recordings.Tell(new KeepRecording(r.RecordingId));
                }
            }
            catch (AskTimeoutException)
            {
                _log.Warning("recording keeper: the recording directory did not answer; trying again in {0}", Interval);
            }
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart()
    {
        Timers.StartSingleTimer("first", Tick.Instance, TimeSpan.FromSeconds(1));
        Timers.StartPeriodicTimer("tick", Tick.Instance, Interval);
    }
}
