using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;
using Akka.Persistence;
using Akka.Persistence.Journal;
using Inspur.Actors.Projections;
using Inspur.Domain.Recordings;
using static Inspur.Domain.Recordings.RecordingCommands;
using static Inspur.Domain.Recordings.RecordingEvents;
using static Inspur.Domain.Recordings.RecordingQueries;
using static Inspur.Domain.Recordings.RecordingReplies;

namespace Inspur.Actors.Recordings;

/// <summary>The file work of a recording, done by the node that holds the archive; the entity only decides when.</summary>
public interface IRecordingExporter
{
    /// <summary>
    /// Copies the archived segments of the request into the recording's folder (via a temp folder renamed into place) and
    /// remuxes the MP4. Answers files, or a failure when nothing is archived; throws <see cref="OperationCanceledException"/>
    /// when cancelled, leaving nothing behind.
    /// </summary>
    Task<ReportExport> ExportAsync(RecordingId id, RecordingRequest request, CancellationToken ct);

    /// <summary>Removes the recording's folder and any temp folder of it; nothing to remove is fine.</summary>
    Task DeleteAsync(RecordingId id);
}

/// <summary>
/// The sharded, persistent <c>recording</c> entity: persists what <see cref="RecordingState.Process"/> decides, sets a timer
/// for the start and for the end of the interval plus settle time, and runs the export off its thread (an export cut short
/// by a crash is redone on recovery).
/// </summary>
public sealed class RecordingActor : SnapshottingActor, IWithTimers
{
    public const string EntityTypeName = "recording";
    public const int SnapshotEvery = 20;

    /// <summary>The longest single timer; a later start is reached by re-arming.</summary>
    public static readonly TimeSpan MaxTimer = TimeSpan.FromHours(1);

    private static readonly string[] Tags = [RecordingEvents.Tag];
    private readonly IRecordingExporter? _exporter;
    private RecordingState _state;
    private Task? _export;
    private CancellationTokenSource? _cancel;

    private sealed record ExportAborted
    {
        public static readonly ExportAborted Instance = new();
    }

    /// <param name="exporter">The node's file work; null where the entity only keeps state.</param>
    public RecordingActor(string entityId, IRecordingExporter? exporter = null)
    {
        _exporter = exporter;
        _state = RecordingState.Empty(new RecordingId(entityId));
        PersistenceId = $"{EntityTypeName}-{entityId}";

        Recover<SnapshotOffer>(offer =>
        {
            if (offer.Snapshot is RecordingState snapshot) _state = snapshot;
        });
        Recover<IRecordingEvent>(evt => _state = _state.Apply(evt));
        Recover<RecoveryCompleted>(_ =>
        {
            if (_state.Phase == RecordingPhase.Deleted) RemoveFiles();
            Arm();
        });

        Command<IRecordingCommand>(Handle);
        Command<KeepRecording>(_ =>
        {
            if (!_state.UnderWay) PassivateIfEmpty();
        });
        Command<ExportAborted>(_ => _export = null);
        Command<GetRecording>(_ =>
        {
            Sender.Tell((IRecordingReply?)_state.View() ?? NotFound());
            PassivateIfEmpty();
        });
        KeepOnlyLatestSnapshot();
    }

    public override string PersistenceId { get; }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PostStop()
    {
        // Passivation or shutdown mid-export: the child ffmpeg is killed; the entity redoes the export when it recovers.
        _cancel?.Cancel();
        base.PostStop();
    }

    private void Handle(IRecordingCommand command)
    {
        if (command is ReportExport) _export = null;
        var own = command is BeginRecording or BeginExport or ReportExport;
        var (events, rejection) = _state.Process(command, DateTimeOffset.UtcNow);
        if (rejection is not null)
        {
            if (!own) Sender.Tell(rejection);
            PassivateIfEmpty();
            return;
        }

        if (events.Count == 0)
        {
            if (!own) Sender.Tell(_state.View()!);
            Arm();
            return;
        }

        var remaining = events.Count;
        var sender = Sender;
        PersistAll(events.Select(e => new Tagged(e, Tags)), t =>
        {
            var evt = (IRecordingEvent)t.Payload;
            _state = _state.Apply(evt);
            if (LastSequenceNr % SnapshotEvery == 0) SaveSnapshot(_state);
            if (evt is RecordingCancelled or RecordingDeleted) _cancel?.Cancel();
            if (evt is RecordingDeleted) RemoveFiles();
            if (--remaining > 0) return;
            Arm();
            if (!own) sender.Tell(_state.View(evenDeleted: true)!);
        });
    }

    /// <summary>Sets the one timer (or starts the export) the phase calls for.</summary>
    private void Arm()
    {
        Timers.CancelAll();
        if (!_state.UnderWay) return;
        var now = DateTimeOffset.UtcNow;
        var request = _state.Request!;
        switch (_state.Phase)
        {
            case RecordingPhase.Scheduled:
                At(request.From, new BeginRecording(_state.RecordingId), now);
                break;
            case RecordingPhase.Recording:
                At(_state.ExportAt(), new BeginExport(_state.RecordingId), now);
                break;
            case RecordingPhase.Exporting:
                StartExport();
                break;
        }
    }

    private void At(DateTimeOffset when, IRecordingCommand command, DateTimeOffset now)
    {
        var delay = when - now;
        if (delay <= TimeSpan.Zero) Self.Tell(command);
        else Timers.StartSingleTimer("next", command, delay < MaxTimer ? delay : MaxTimer);
    }

    private void StartExport()
    {
        if (_exporter is null || _export is not null) return;
        var id = _state.RecordingId;
        _cancel?.Dispose();
        _cancel = new CancellationTokenSource();
        var request = _state.Request!;
        var token = _cancel.Token;
        var exporter = _exporter;
        Log.Info("exporting recording {0}: {1}/{2} [{3:O}, {4:O})", id, request.ChannelId, request.Rendition, request.From, request.To);
        var export = Task.Run(() => exporter.ExportAsync(id, request, token), CancellationToken.None);
        _export = export;
        export.PipeTo(Self,
            success: r => r,
            failure: ex => ex is OperationCanceledException || ex is AggregateException { InnerException: OperationCanceledException }
                ? ExportAborted.Instance
                : new ReportExport(id, null, $"the export failed: {(ex is AggregateException a ? a.InnerException ?? ex : ex).Message}"));
    }

    /// <summary>Removes the files once any export still running has stopped, so nothing is renamed into place afterwards.</summary>
    private void RemoveFiles()
    {
        if (_exporter is null) return;
        var id = _state.RecordingId;
        var exporter = _exporter;
        var log = Log;
        (_export ?? Task.CompletedTask).ContinueWith(_ => exporter.DeleteAsync(id), TaskScheduler.Default).Unwrap()
            .ContinueWith(t =>
            {
                if (t.IsFaulted) log.Warning(t.Exception, "removing the files of recording {0} failed", id);
            }, TaskScheduler.Default);
    }

    private RecordingRejected NotFound() =>
        new(_state.RecordingId, RecordingRejection.NotFound, $"recording '{_state.RecordingId}' does not exist");

    /// <summary>An entity woken by a query or a refused command for a recording that does not exist need not stay in memory.</summary>
    private void PassivateIfEmpty()
    {
        if (!_state.Exists) Context.Parent.Tell(new Passivate(PoisonPill.Instance));
    }
}

/// <summary>Routes every <see cref="IWithRecordingId"/> message to its recording entity.</summary>
public sealed class RecordingMessageExtractor() : HashCodeMessageExtractor(ShardCount)
{
    public const int ShardCount = 100;

    public override string? EntityId(object message) => message switch
    {
        IWithRecordingId m => m.RecordingId.Value,
        _ => null,
    };
}
