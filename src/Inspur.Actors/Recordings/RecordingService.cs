using Akka.Actor;
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
