using System.Text.RegularExpressions;
using Inspur.Domain.Channels;
using static Inspur.Domain.Recordings.RecordingCommands;
using static Inspur.Domain.Recordings.RecordingEvents;
using static Inspur.Domain.Recordings.RecordingReplies;

namespace Inspur.Domain.Recordings;

/// <summary>Pure state of one recording: <see cref="Process"/> decides, <see cref="Apply"/> changes; no Akka in here.</summary>
public sealed partial record RecordingState(RecordingId RecordingId, RecordingRequest? Request, RecordingPhase Phase, long Version,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt) : IInspurMessage
{
    public const int MaxTitleLength = 200;
    public const int MaxProgrammeIdLength = 100;
    public static readonly TimeSpan MaxDuration = TimeSpan.FromHours(12);
    public static readonly TimeSpan MaxAhead = TimeSpan.FromDays(31);

    /// <summary>How long after the interval the export waits, so the segment covering its end is archived.</summary>
    public static readonly TimeSpan SettleTime = TimeSpan.FromSeconds(4);

    public RecordingFiles? Files { get; init; }

    public string? Reason { get; init; }

    public static RecordingState Empty(RecordingId id) => new(id, null, RecordingPhase.Scheduled, 0, default, default);

    public bool Exists => Request is not null;

    /// <summary>Not yet in a final phase: the entity has a timer or an export to run.</summary>
    public bool UnderWay => Exists && Phase is RecordingPhase.Scheduled or RecordingPhase.Recording or RecordingPhase.Exporting;

    /// <summary>When the export may begin: the end of the interval plus <see cref="SettleTime"/>.</summary>
    public DateTimeOffset ExportAt() => Request!.To + SettleTime;

    public (IReadOnlyList<IRecordingEvent> Events, RecordingRejected? Rejection) Process(IRecordingCommand command, DateTimeOffset now)
    {
        if (command.RecordingId != RecordingId)
            return Reject(RecordingRejection.Invalid, $"command for '{command.RecordingId}' sent to recording '{RecordingId}'");
        if (command is ScheduleRecording schedule)
        {
            if (Validate(schedule.Request, now) is { } problem) return Reject(RecordingRejection.Invalid, problem.Message);
            return Exists
                ? Reject(RecordingRejection.AlreadyExists, $"recording '{RecordingId}' already exists")
                : Accept(new RecordingScheduled(RecordingId, schedule.Request, now));
        }

        if (!Exists || Phase == RecordingPhase.Deleted) return Reject(RecordingRejection.NotFound, $"recording '{RecordingId}' does not exist");
        return command switch
        {
            CancelRecording when UnderWay => Accept(new RecordingCancelled(RecordingId, now)),
            CancelRecording when Phase == RecordingPhase.Cancelled => Accept(),
            CancelRecording => Reject(RecordingRejection.Invalid, $"recording '{RecordingId}' is {Phase}; delete it instead"),
            DeleteRecording => Accept(new RecordingDeleted(RecordingId, now)),
            BeginRecording when Phase == RecordingPhase.Scheduled && now >= Request!.From => Accept(new RecordingStarted(RecordingId, now)),
            BeginExport when Phase == RecordingPhase.Recording && now >= Request!.To => Accept(new ExportStarted(RecordingId, now)),
            ReportExport { Files: { } files } when Phase == RecordingPhase.Exporting => Accept(new RecordingCompleted(RecordingId, files, now)),
            ReportExport r when Phase == RecordingPhase.Exporting =>
                Accept(new RecordingFailed(RecordingId, Cut(r.Failure) ?? "the export failed", now)),
            // A timer that fired early or a late report after a cancel changes nothing.
            BeginRecording or BeginExport or ReportExport => Accept(),
            _ => Reject(RecordingRejection.Invalid, $"unknown command {command.GetType().Name}"),
        };
    }

    /// <summary>The state a read model keeps from a view a node observed.</summary>
    public static RecordingState From(RecordingView v) =>
        new(v.RecordingId, v.Request, v.Phase, v.Version, v.CreatedAt, v.UpdatedAt) { Files = v.Files, Reason = v.Reason };

    public RecordingState Apply(IRecordingEvent evt) => evt switch
    {
        RecordingScheduled s => this with { Request = s.Request, Phase = RecordingPhase.Scheduled, Version = Version + 1, CreatedAt = s.At, UpdatedAt = s.At },
        RecordingStarted s => Move(RecordingPhase.Recording, s.At),
        ExportStarted s => Move(RecordingPhase.Exporting, s.At),
        RecordingCompleted c => Move(RecordingPhase.Completed, c.At) with { Files = c.Files },
        RecordingFailed f => Move(RecordingPhase.Failed, f.At) with { Reason = f.Reason },
        RecordingCancelled c => Move(RecordingPhase.Cancelled, c.At) with { Reason = "cancelled by operator" },
        RecordingDeleted d => Move(RecordingPhase.Deleted, d.At) with { Files = null },
        _ => this,
    };

    /// <summary>Null for a recording that does not exist or was deleted, unless <paramref name="evenDeleted"/>.</summary>
    public RecordingView? View(bool evenDeleted = false) => Request is null || Phase == RecordingPhase.Deleted && !evenDeleted
        ? null
        : new RecordingView(RecordingId, Request, Phase, Version, CreatedAt, UpdatedAt) { Files = Files, Reason = Reason };

    /// <summary>Null when the request is acceptable, else the first problem, naming the field as the REST API does.</summary>
    public static ConfigProblem? Validate(RecordingRequest? request, DateTimeOffset now)
    {
        if (request is null) return new("body", "a recording request is required");
        if (request.ChannelId is null || !ChannelId.IsValid(request.ChannelId.Value)) return new("channel", "channel must be a valid channel id");
        if (request.Rendition is null || !RenditionPattern().IsMatch(request.Rendition))
            return new("rendition", "rendition must be 1-16 lower-case letters, digits, '_' or '-'");
        if (request.From.ToUnixTimeSeconds() < 0) return new("from", "from must be after 1970");
        if (request.To <= request.From) return new("to", $"to ({request.To.UtcDateTime:O}) must be after from ({request.From.UtcDateTime:O})");
        if (request.Duration > MaxDuration)
            return new("to", $"a recording is at most {MaxDuration.TotalHours:0} h; {request.Duration.TotalHours:0.##} h was asked");
        if (request.From > now + MaxAhead) return new("from", $"from may be at most {MaxAhead.TotalDays:0} days ahead");
        if (request.Title is { } title && (title.Length > MaxTitleLength || title.Any(char.IsControl)))
            return new("title", $"title must be at most {MaxTitleLength} characters without control characters");
        if (request.ProgrammeId is { } programme && (programme.Length > MaxProgrammeIdLength || !ChannelId.IsValid(programme)))
            return new("programmeId", "programmeId must be {channel}-{startUnixSeconds}");
        return null;
    }

    private RecordingState Move(RecordingPhase phase, DateTimeOffset at) => this with { Phase = phase, Version = Version + 1, UpdatedAt = at };

    private static string? Cut(string? value) => value is null || value.Length <= 500 ? value : value[..500] + "…";

    private (IReadOnlyList<IRecordingEvent>, RecordingRejected?) Reject(RecordingRejection reason, string message) =>
        (Array.Empty<IRecordingEvent>(), new RecordingRejected(RecordingId, reason, message));

    private static (IReadOnlyList<IRecordingEvent>, RecordingRejected?) Accept(params IRecordingEvent[] events) => (events, null);

    [GeneratedRegex("^[a-z0-9_-]{1,16}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex RenditionPattern();
}
