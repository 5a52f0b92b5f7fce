using Inspur.Domain.Channels;

namespace Inspur.Domain.Recordings;

/// <summary>What to record: an interval <c>[From, To)</c> of one rendition of a channel, optionally named after an EPG programme.</summary>
public sealed record RecordingRequest(ChannelId ChannelId, string Rendition, DateTimeOffset From, DateTimeOffset To)
{
    public const string DefaultRendition = "main";

    public string? Title { get; init; }

    public string? ProgrammeId { get; init; }

    public TimeSpan Duration => To - From;
}

/// <summary>A hole in the archive inside a recording's interval; the recording plays across it.</summary>
public sealed record RecordingGap(DateTimeOffset From, DateTimeOffset To);

/// <summary>What an export produced: the HLS package and MP4 in the recording's folder.</summary>
public sealed record RecordingFiles(int Segments, long Bytes, TimeSpan Duration, DateTimeOffset FirstSegment, IReadOnlyList<RecordingGap> Gaps)
{
    public const string Playlist = "index.m3u8";
    public const string Mp4 = "recording.mp4";
}

/// <summary>Where a recording is in its life.</summary>
public enum RecordingPhase
{
    /// <summary>Accepted; the interval has not started.</summary>
    Scheduled,

    /// <summary>The interval is running; the archive is filling it.</summary>
    Recording,

    /// <summary>The interval is over; segments are being copied and remuxed.</summary>
    Exporting,

    /// <summary>The files are in place (gaps, if any, listed).</summary>
    Completed,

    /// <summary>Nothing could be exported; the reason says why.</summary>
    Failed,

    /// <summary>Stopped by an operator before it completed.</summary>
    Cancelled,

    /// <summary>Removed together with its files; its id stays taken.</summary>
    Deleted,
}

/// <summary>Commands a recording entity accepts.</summary>
public static class RecordingCommands
{
    public interface IRecordingCommand : IWithRecordingId, IInspurMessage;

    public sealed record ScheduleRecording(RecordingId RecordingId, RecordingRequest Request) : IRecordingCommand;

    public sealed record CancelRecording(RecordingId RecordingId) : IRecordingCommand;

    /// <summary>Cancels a recording still under way and removes its files.</summary>
    public sealed record DeleteRecording(RecordingId RecordingId) : IRecordingCommand;

    /// <summary>The entity's own timer: the interval has begun.</summary>
    public sealed record BeginRecording(RecordingId RecordingId) : IRecordingCommand;

    /// <summary>The entity's own timer: the interval is over and archived.</summary>
    public sealed record BeginExport(RecordingId RecordingId) : IRecordingCommand;

    /// <summary>The export's outcome: files, or the reason there are none.</summary>
    public sealed record ReportExport(RecordingId RecordingId, RecordingFiles? Files, string? Failure) : IRecordingCommand;

    /// <summary>Sent by the keeper to recordings under way, so they resume wherever their shard now lives.</summary>
    public sealed record KeepRecording(RecordingId RecordingId) : IWithRecordingId, IInspurMessage;
}

/// <summary>Queries a recording entity answers without changing state.</summary>
public static class RecordingQueries
{
    public sealed record GetRecording(RecordingId RecordingId) : IWithRecordingId, IInspurMessage;
}

/// <summary>Facts a recording entity persists; tagged <see cref="RecordingEvents.Tag"/> for projections.</summary>
public static class RecordingEvents
{
    public const string Tag = "recording";

    public interface IRecordingEvent : IWithRecordingId, IInspurMessage
    {
        DateTimeOffset At { get; }
    }

    public sealed record RecordingScheduled(RecordingId RecordingId, RecordingRequest Request, DateTimeOffset At) : IRecordingEvent;

    public sealed record RecordingStarted(RecordingId RecordingId, DateTimeOffset At) : IRecordingEvent;

    public sealed record ExportStarted(RecordingId RecordingId, DateTimeOffset At) : IRecordingEvent;

    public sealed record RecordingCompleted(RecordingId RecordingId, RecordingFiles Files, DateTimeOffset At) : IRecordingEvent;

    public sealed record RecordingFailed(RecordingId RecordingId, string Reason, DateTimeOffset At) : IRecordingEvent;

    public sealed record RecordingCancelled(RecordingId RecordingId, DateTimeOffset At) : IRecordingEvent;

    public sealed record RecordingDeleted(RecordingId RecordingId, DateTimeOffset At) : IRecordingEvent;
}

/// <summary>What a recording entity answers.</summary>
public static class RecordingReplies
{
    public interface IRecordingReply : IInspurMessage;

    public sealed record RecordingView(RecordingId RecordingId, RecordingRequest Request, RecordingPhase Phase, long Version,
        DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt) : IRecordingReply
    {
        public RecordingFiles? Files { get; init; }

        public string? Reason { get; init; }
    }

    public sealed record RecordingRejected(RecordingId RecordingId, RecordingRejection Reason, string Message) : IRecordingReply;
}

/// <summary>Why a recording command was refused; the REST layer maps each to an HTTP status.</summary>
public enum RecordingRejection
{
    NotFound,
    AlreadyExists,
    Invalid,
}
