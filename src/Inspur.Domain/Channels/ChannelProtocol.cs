namespace Inspur.Domain.Channels;

/// <summary>The configuration an operator gives a channel.</summary>
public sealed record ChannelConfig(string Name, int Number)
{
    public const int DefaultArchiveHours = 72;

    /// <summary>Where the MPEG-TS arrives (see <see cref="ChannelSource"/>), e.g. <c>udp://239.1.1.1:5000?iface=10.0.0.5</c>.</summary>
    public string? Source { get; init; }

    /// <summary>Played instead of <see cref="Source"/> while the primary is silent; the channel returns to the primary once it is steady.</summary>
    public string? BackupSource { get; init; }

    /// <summary>Publish LL-HLS parts and answer blocking playlist reloads.</summary>
    public bool LowLatency { get; init; }

    /// <summary>Logo shown by portals and set-top boxes: an http(s) URL or a path on this site.</summary>
    public string? Logo { get; init; }

    public string? Genre { get; init; }

    /// <summary>Null: the source passes through untouched (it must be H.264/H.265 with AAC/MP2); else an ABR ladder.</summary>
    public TranscodeSettings? Transcode { get; init; }

    /// <summary>How many hours of the channel the archive keeps for time shift and catch-up.</summary>
    public int ArchiveHours { get; init; } = DefaultArchiveHours;

    /// <summary>Serve live segments AES-128 encrypted, with keys from <c>/live/{channel}/keys/</c> (not with LL-HLS parts).</summary>
    public bool Encrypted { get; init; }
}

/// <summary>One rung of a channel's ABR ladder: an H.264/AAC rendition made by the supervised transcoder.</summary>
public sealed record LadderRung(string Name, int Width, int Height, int VideoKbps, int AudioKbps = 128)
{
    /// <summary>H.264 profile: baseline, main or high.</summary>
    public string Profile { get; init; } = "high";
}

/// <summary>Transcode the source into these renditions (keyframes aligned across them, so players switch cleanly).</summary>
public sealed record TranscodeSettings(IReadOnlyList<LadderRung> Ladder)
{
    /// <summary>Output frame rate of every rung; keyframes fall on the segment grid at this rate.</summary>
    public double FrameRate { get; init; } = 25;

    /// <summary>A ladder for a 1080p source.</summary>
    public static readonly TranscodeSettings Default = new([
        new LadderRung("1080p", 1920, 1080, 5000),
        new LadderRung("720p", 1280, 720, 3000),
        new LadderRung("480p", 854, 480, 1200) { Profile = "main" },
        new LadderRung("360p", 640, 360, 700, 96) { Profile = "main" },
    ]);

    // Value equality over the rungs, so an unchanged ladder is an unchanged config (no restart, no event).
    public bool Equals(TranscodeSettings? other) => other is not null && FrameRate.Equals(other.FrameRate) && Ladder.SequenceEqual(other.Ladder);

    public override int GetHashCode() => Ladder.Aggregate(FrameRate.GetHashCode(), (h, r) => h * 31 + r.GetHashCode());
}

/// <summary>Where a channel is in its life, as operators see it.</summary>
public enum ChannelPhase
{
    /// <summary>Not running (never started, or stopped by an operator).</summary>
    Stopped,

    /// <summary>Started; no segment published yet.</summary>
    Starting,

    /// <summary>Publishing segments with no active alarm.</summary>
    Live,

    /// <summary>Publishing segments, but an alarm is active (on the backup source, stream errors, …).</summary>
    Degraded,

    /// <summary>Started but publishing nothing (no input on any source, the pipeline cannot start, …).</summary>
    Failed,
}

/// <summary>Commands a channel entity accepts.</summary>
public static class ChannelCommands
{
    public interface IChannelCommand : IWithChannelId, IInspurMessage;

    public sealed record CreateChannel(ChannelId ChannelId, ChannelConfig Config) : IChannelCommand;

    public sealed record UpdateChannel(ChannelId ChannelId, ChannelConfig Config) : IChannelCommand;

    public sealed record StartChannel(ChannelId ChannelId) : IChannelCommand;

    public sealed record StopChannel(ChannelId ChannelId, string Reason) : IChannelCommand;

    /// <summary>The channel's own pipeline reports a fault (raised) or its end (cleared); the entity persists the change.</summary>
    public sealed record ReportAlarm(ChannelId ChannelId, string Kind, string? Detail) : IChannelCommand;

    /// <summary>The channel's own pipeline reports where it is (Starting, Live, Degraded or Failed) and why.</summary>
    public sealed record ReportPhase(ChannelId ChannelId, ChannelPhase Phase, string? Reason) : IChannelCommand;

    /// <summary>Sent by the keeper to channels that should run, so they (re)start wherever their shard now lives.</summary>
    public sealed record KeepRunning(ChannelId ChannelId) : IWithChannelId, IInspurMessage;
}

/// <summary>Queries a channel entity answers without changing state.</summary>
public static class ChannelQueries
{
    public sealed record GetChannel(ChannelId ChannelId) : IWithChannelId, IInspurMessage;
}

/// <summary>Facts a channel entity persists; tagged <see cref="ChannelEvents.Tag"/> for projections.</summary>
public static class ChannelEvents
{
    public const string Tag = "channel";

    public interface IChannelEvent : IWithChannelId, IInspurMessage
    {
        DateTimeOffset At { get; }
    }

    public sealed record ChannelCreated(ChannelId ChannelId, ChannelConfig Config, DateTimeOffset At) : IChannelEvent;

    public sealed record ChannelUpdated(ChannelId ChannelId, ChannelConfig Config, DateTimeOffset At) : IChannelEvent;

    public sealed record ChannelStarted(ChannelId ChannelId, DateTimeOffset At) : IChannelEvent;

    public sealed record ChannelStopped(ChannelId ChannelId, string Reason, DateTimeOffset At) : IChannelEvent;

    public sealed record AlarmRaised(ChannelId ChannelId, string Kind, string Detail, DateTimeOffset At) : IChannelEvent;

    public sealed record AlarmCleared(ChannelId ChannelId, string Kind, DateTimeOffset At) : IChannelEvent;

    public sealed record PhaseChanged(ChannelId ChannelId, ChannelPhase Phase, string? Reason, DateTimeOffset At) : IChannelEvent;
}

/// <summary>An active alarm of a channel, as operators see it.</summary>
public sealed record ChannelAlarm(string Kind, string Detail, DateTimeOffset Since);

/// <summary>Alarm kinds a channel raises.</summary>
public static class AlarmKinds
{
    /// <summary>No bytes from any source for longer than the channel tolerates.</summary>
    public const string NoInput = "no-input";

    /// <summary>The primary source is silent and the backup is on the air.</summary>
    public const string OnBackup = "on-backup";

    /// <summary>ETSI TR 101 290 priority-1 errors (sync loss, PAT/PMT missing, continuity) over the threshold.</summary>
    public const string Tr101290 = "tr101290";

    /// <summary>The input bitrate fell far below its recent average while bytes still arrive.</summary>
    public const string BitrateCollapse = "bitrate-collapse";

    /// <summary>The transcoder exited and was restarted.</summary>
    public const string TranscoderCrash = "transcoder-crash";

    /// <summary>A passthrough channel receives video players cannot take (e.g. MPEG-2): it needs a transcode ladder.</summary>
    public const string MustTranscode = "must-transcode";

    /// <summary>The archive cannot store the channel's segments (disk full, I/O error); live delivery goes on from memory.</summary>
    public const string Archive = "archive";

    /// <summary>The node's archive is over 90 % of its quota: retention by age no longer decides what is kept.</summary>
    public const string ArchiveQuota = "archive-quota";

    /// <summary>The pipeline cannot start or keeps failing (e.g. the UDP port is taken).</summary>
    public const string Pipeline = "pipeline";
}

/// <summary>What a running channel's pipeline measures now; not persisted, shown with the channel.</summary>
public sealed record ChannelLiveStatus(string ActiveSource, long InputKbps, DateTimeOffset? LastInput, DateTimeOffset? LastSegment,
    IReadOnlyList<string> Renditions, string Node);

/// <summary>What a channel entity answers.</summary>
public static class ChannelReplies
{
    public interface IChannelReply : IInspurMessage;

    /// <summary>The channel as it is after the command or at the time of the query.</summary>
    public sealed record ChannelView(ChannelId ChannelId, ChannelConfig Config, long Version, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
        bool Running = false, IReadOnlyList<ChannelAlarm>? Alarms = null) : IChannelReply
    {
        public ChannelPhase Phase { get; init; }

        public string? PhaseReason { get; init; }

        /// <summary>From the entity only while its pipeline runs; null from the read model.</summary>
        public ChannelLiveStatus? Live { get; init; }
    }

    public sealed record ChannelRejected(ChannelId ChannelId, ChannelRejection Reason, string Message) : IChannelReply;
}

/// <summary>Why a channel command was refused; the REST layer maps each to an HTTP status.</summary>
public enum ChannelRejection
{
    NotFound,
    AlreadyExists,
    Invalid,
}
