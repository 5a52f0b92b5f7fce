namespace Inspur.Media.Segmenting;

/// <summary>
/// ETSI TR 101 290 priority-1 error counters plus the packager's own, as a channel reports them in alarms and metrics.
/// </summary>
public sealed class TsStreamStats
{
    /// <summary>1.1 TS_sync_loss.</summary>
    public long SyncLosses { get; internal set; }

    /// <summary>Bytes skipped while out of sync (garbage, truncated packets).</summary>
    public long SkippedBytes { get; internal set; }

    /// <summary>1.3 PAT_error: no valid PAT for 0.5 s, or a PAT with a wrong table id or scrambled.</summary>
    public long PatErrors { get; internal set; }

    /// <summary>1.4 Continuity_count_error (legal duplicates and adaptation-only packets are not errors).</summary>
    public long ContinuityErrors { get; internal set; }

    /// <summary>1.5 PMT_error: no valid PMT for 0.5 s on a PMT PID, or scrambled.</summary>
    public long PmtErrors { get; internal set; }

    /// <summary>2.1 Transport_error_indicator set.</summary>
    public long TransportErrors { get; internal set; }

    /// <summary>2.2 CRC_error in PSI sections.</summary>
    public long CrcErrors { get; internal set; }

    /// <summary>Timing breaks: PTS jumped more than the threshold or went backwards.</summary>
    public long PtsJumps { get; internal set; }

    /// <summary>PAT/PMT changes that changed the program (PIDs or stream types).</summary>
    public long ProgramChanges { get; internal set; }

    /// <summary>Packets not published: no program known yet, or no keyframe to start a segment with.</summary>
    public long PacketsUnpublished { get; internal set; }

    /// <summary>Segments dropped because no keyframe arrived within the max duration.</summary>
    public long SegmentsDropped { get; internal set; }

    /// <summary>
    /// Segments whose epoch-locked number skipped a slot without a timing break: the keyframe interval is longer than
    /// the target duration, so the channel must raise its target duration or transcode with an aligned GOP.
    /// </summary>
    public long SequenceGaps { get; internal set; }

    public long Packets { get; internal set; }

    public long Segments { get; internal set; }

    public override string ToString() =>
        $"packets={Packets} segments={Segments} syncLoss={SyncLosses} skipped={SkippedBytes} pat={PatErrors} cc={ContinuityErrors} pmt={PmtErrors} " +
        $"tei={TransportErrors} crc={CrcErrors} ptsJumps={PtsJumps} programChanges={ProgramChanges} unpublished={PacketsUnpublished} dropped={SegmentsDropped} gaps={SequenceGaps}";
}
