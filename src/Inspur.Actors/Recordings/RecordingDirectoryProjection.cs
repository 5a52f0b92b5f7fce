using Akka.Actor;
using Akka.Persistence.Query;
using Inspur.Actors.Projections;
using Inspur.Domain.Recordings;
using static Inspur.Domain.Recordings.RecordingEvents;
using static Inspur.Domain.Recordings.RecordingReplies;

namespace Inspur.Actors.Recordings;

/// <summary>
/// Read model of all recordings, projected from events tagged <c>recording</c> through the SQL query journal; it replays
/// everything on start (answering lists only once caught up) and then follows new events live.
/// </summary>
public sealed class RecordingDirectoryProjection() : TaggedProjection(Tag, "recording directory")
{
    /// <summary>Ask for every recording that is not deleted, newest interval first.</summary>
    public sealed record ListRecordings
    {
        public static readonly ListRecordings Instance = new();
    }

    /// <summary>A write the local node just made, applied at once so a client reads its own writes.</summary>
    public sealed record Observed(RecordingView View);

    private readonly Dictionary<RecordingId, RecordingState> _recordings = new();

    protected override string Summary => $"{_recordings.Count} recordings";

    protected override void Always() => Receive<Observed>(o => Upsert(RecordingState.From(o.View)));

    protected override void Queries() =>
        Receive<ListRecordings>(_ => Sender.Tell(_recordings.Values.Select(r => r.View()).OfType<RecordingView>()
            .OrderByDescending(r => r.Request.From).ThenBy(r => r.RecordingId.Value).ToList()));

    /// <summary>Applies the event with the entity's own <see cref="RecordingState.Apply"/>, so the read model cannot drift from it.</summary>
    protected override void Project(EventEnvelope envelope)
    {
        if (envelope.Event is not IRecordingEvent evt) return;
        var known = _recordings.TryGetValue(evt.RecordingId, out var current) ? current : RecordingState.Empty(evt.RecordingId);
        if (!known.Exists && evt is not RecordingScheduled) return;
        Upsert(known.Apply(evt) with { Version = envelope.SequenceNr });
    }

    private void Upsert(RecordingState state)
    {
        if (!_recordings.TryGetValue(state.RecordingId, out var current) || current.Version < state.Version)
            _recordings[state.RecordingId] = state;
    }
}
