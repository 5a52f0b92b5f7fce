using Akka.Event;
using Akka.Persistence;

namespace Inspur.Actors.Projections;

/// <summary>
/// A persistent entity that keeps only its latest snapshot: each saved snapshot deletes the older ones, and failures of
/// either are logged rather than left as unhandled messages. Every entity of ours does the same housekeeping.
/// </summary>
public abstract class SnapshottingActor : ReceivePersistentActor
{
    /// <summary>Registers the snapshot housekeeping handlers; call it once from the constructor, after the entity's own commands.</summary>
    protected void KeepOnlyLatestSnapshot()
    {
        Command<SaveSnapshotSuccess>(s => DeleteSnapshots(new SnapshotSelectionCriteria(s.Metadata.SequenceNr - 1)));
        Command<SaveSnapshotFailure>(f => Log.Warning(f.Cause, "snapshot of {0} failed", PersistenceId));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(f => Log.Warning(f.Cause, "deleting old snapshots of {0} failed", PersistenceId));
    }
}
