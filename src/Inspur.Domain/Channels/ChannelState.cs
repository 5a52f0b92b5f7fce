using static Inspur.Domain.Channels.ChannelCommands;
using static Inspur.Domain.Channels.ChannelEvents;
using static Inspur.Domain.Channels.ChannelReplies;

namespace Inspur.Domain.Channels;

/// <summary>A config defect: the field (as the REST API names it) and a message that starts with it.</summary>
public sealed record ConfigProblem(string Field, string Message);

/// <summary>Pure state of one channel: <see cref="Process"/> decides, <see cref="Apply"/> changes; no Akka in here.</summary>
public sealed record ChannelState(ChannelId ChannelId, ChannelConfig? Config, long Version, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
    bool Running = false, IReadOnlyList<ChannelAlarm>? Alarms = null) : IInspurMessage
{
    public const int MaxNameLength = 100;
    public const int MaxNumber = 99_999;
    public const int MaxReasonLength = 200;
    public const int MaxGenreLength = 50;
    public const int MaxLogoLength = 500;
    public const int MaxArchiveHours = 24 * 31;
    public const int MaxRungs = 8;

    public ChannelPhase Phase { get; init; }

    public string? PhaseReason { get; init; }

    public static ChannelState Empty(ChannelId id) => new(id, null, 0, default, default);

    /// <summary>The state a read model keeps from a view a node observed.</summary>
    public static ChannelState From(ChannelView v) =>
        new(v.ChannelId, v.Config, v.Version, v.CreatedAt, v.UpdatedAt, v.Running, v.Alarms) { Phase = v.Phase, PhaseReason = v.PhaseReason };

    public bool Exists => Config is not null;

    /// <summary>Either the events to persist, or the rejection to answer with (and nothing persisted).</summary>
    public (IReadOnlyList<IChannelEvent> Events, ChannelRejected? Rejection) Process(IChannelCommand command, DateTimeOffset now)
    {
        if (command.ChannelId != ChannelId)
            return Reject(ChannelRejection.Invalid, $"command for '{command.ChannelId}' sent to channel '{ChannelId}'");
        var problem = command switch
        {
            CreateChannel c => Validate(c.Config)?.Message,
            UpdateChannel u => Validate(u.Config)?.Message,
            StopChannel { Reason.Length: > MaxReasonLength } => $"reason must be at most {MaxReasonLength} characters",
            ReportPhase { Phase: ChannelPhase.Stopped } => "a pipeline cannot report Stopped; stop the channel instead",
            _ => null,
        };
        if (problem is not null) return Reject(ChannelRejection.Invalid, problem);
        return command switch
        {
            CreateChannel when Exists => Reject(ChannelRejection.AlreadyExists, $"channel '{ChannelId}' already exists"),
            CreateChannel c => Accept(new ChannelCreated(ChannelId, c.Config, now)),
            UpdateChannel when !Exists => Reject(ChannelRejection.NotFound, $"channel '{ChannelId}' does not exist"),
            UpdateChannel u when u.Config == Config => Accept(),
            UpdateChannel u => Accept(new ChannelUpdated(ChannelId, u.Config, now)),
            StartChannel or StopChannel when !Exists => Reject(ChannelRejection.NotFound, $"channel '{ChannelId}' does not exist"),
            StartChannel when Config!.Source is null => Reject(ChannelRejection.Invalid, "source: the channel has no source to start from"),
            StartChannel when Running => Accept(),
            StartChannel => Accept(new ChannelStarted(ChannelId, now)),
            StopChannel when !Running => Accept(),
            StopChannel s => Accept(new ChannelStopped(ChannelId, string.IsNullOrWhiteSpace(s.Reason) ? "stopped by operator" : s.Reason, now)),
            ReportAlarm or ReportPhase when !Exists => Reject(ChannelRejection.NotFound, $"channel '{ChannelId}' does not exist"),
            // A pipeline's late word after a stop changes nothing: a stopped channel is not in fault.
            ReportAlarm or ReportPhase when !Running => Accept(),
            ReportAlarm { Detail: { } detail } a when !HasAlarm(a.Kind) => Accept(new AlarmRaised(ChannelId, a.Kind, detail, now)),
            ReportAlarm { Detail: null } a when HasAlarm(a.Kind) => Accept(new AlarmCleared(ChannelId, a.Kind, now)),
            ReportAlarm => Accept(),
            ReportPhase p when p.Phase != Phase || p.Reason != PhaseReason => Accept(new PhaseChanged(ChannelId, p.Phase, Cut(p.Reason), now)),
            ReportPhase => Accept(),
            _ => Reject(ChannelRejection.Invalid, $"unknown command {command.GetType().Name}"),
        };
    }

    public ChannelState Apply(IChannelEvent evt) => evt switch
    {
        ChannelCreated c => this with { Config = c.Config, Version = Version + 1, CreatedAt = c.At, UpdatedAt = c.At },
        ChannelUpdated u => this with { Config = u.Config, Version = Version + 1, UpdatedAt = u.At },
        ChannelStarted s => this with { Running = true, Phase = ChannelPhase.Starting, PhaseReason = null, Version = Version + 1, UpdatedAt = s.At },
        // Stopping clears the alarms: a stopped channel is not in fault.
        ChannelStopped s => this with { Running = false, Alarms = null, Phase = ChannelPhase.Stopped, PhaseReason = s.Reason, Version = Version + 1, UpdatedAt = s.At },
        AlarmRaised a => this with { Alarms = [.. ActiveAlarms, new ChannelAlarm(a.Kind, a.Detail, a.At)], Version = Version + 1 },
        AlarmCleared c => this with { Alarms = ActiveAlarms.Where(x => x.Kind != c.Kind).ToList() is { Count: > 0 } left ? left : null, Version = Version + 1 },
        PhaseChanged p => this with { Phase = p.Phase, PhaseReason = p.Reason, Version = Version + 1 },
        _ => this,
    };

    public ChannelView? View() => Config is null
        ? null
        : new ChannelView(ChannelId, Config, Version, CreatedAt, UpdatedAt, Running, Alarms) { Phase = Phase, PhaseReason = PhaseReason };

    public IReadOnlyList<ChannelAlarm> ActiveAlarms => Alarms ?? [];

    private bool HasAlarm(string kind) => ActiveAlarms.Any(a => a.Kind == kind);

    /// <summary>The pipeline should run: started, with a source.</summary>
    public bool ShouldRun => Running && Config?.Source is not null;

    /// <summary>Null when the config is acceptable, else the first problem, naming the field.</summary>
    public static ConfigProblem? Validate(ChannelConfig? config)
    {
        if (config is null) return new("body", "config is required");
        if (string.IsNullOrWhiteSpace(config.Name)) return new("name", "name must not be empty");
        if (config.Name.Length > MaxNameLength) return new("name", $"name must be at most {MaxNameLength} characters");
        if (config.Name.Any(char.IsControl)) return new("name", "name must not contain control characters");
        if (config.Number is < 1 or > MaxNumber) return new("number", $"number must be between 1 and {MaxNumber}");
        ChannelSource? primary = null;
        if (config.Source is { } source && !ChannelSource.TryParse(source, out primary, out var why)) return new("source", $"source: {why}");
        if (config.BackupSource is { } backup)
        {
            if (primary is null) return new("backupSource", "backupSource: a backup needs a primary source");
            if (!ChannelSource.TryParse(backup, out var parsed, out var whyBackup)) return new("backupSource", $"backupSource: {whyBackup}");
            if (SameInput(primary, parsed)) return new("backupSource", "backupSource: the backup must differ from the primary source");
        }

        if (config.Genre is { } genre && (genre.Length > MaxGenreLength || genre.Any(char.IsControl)))
            return new("genre", $"genre must be at most {MaxGenreLength} characters without control characters");
        if (config.Logo is { } logo && !IsLogo(logo))
            return new("logo", $"logo must be an http(s) URL or a path starting with '/' (at most {MaxLogoLength} characters)");
        if (config.Encrypted && config.LowLatency)
            return new("encrypted", "encrypted: AES-128 encrypts whole segments, so it cannot be combined with lowLatency (LL-HLS parts)");
        if (config.ArchiveHours is < 0 or > MaxArchiveHours) return new("archiveHours", $"archiveHours must be between 0 and {MaxArchiveHours}");
        if (config.Transcode is { } transcode)
        {
            if (ValidateLadder(transcode.Ladder) is { } ladderProblem) return new("transcode", $"transcode: {ladderProblem}");
            if (transcode.FrameRate is < 1 or > 120 || double.IsNaN(transcode.FrameRate)) return new("transcode", "transcode: frameRate must be 1-120");
        }
        return null;
    }

    /// <summary>Two sources that would read the same input (the same UDP port, the same URL).</summary>
    public static bool SameInput(ChannelSource a, ChannelSource b) =>
        a.Kind == b.Kind && (a.Kind == SourceKind.Udp ? a.Port == b.Port && (a.IsMulticast == b.IsMulticast) && (!a.IsMulticast || a.Address!.Equals(b.Address))
            : string.Equals(a.Url, b.Url, StringComparison.Ordinal));

    private static string? ValidateLadder(IReadOnlyList<LadderRung>? ladder)
    {
        if (ladder is null || ladder.Count == 0) return "the ladder is empty; give at least one rung, or no transcode for passthrough";
        if (ladder.Count > MaxRungs) return $"at most {MaxRungs} rungs";
        var names = new HashSet<string>();
        foreach (var r in ladder)
        {
            if (r is null) return "a rung is null";
            if (string.IsNullOrEmpty(r.Name) || r.Name.Length > 16 || !r.Name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '_'))
                return $"rung name '{Cut(r.Name)}' must be 1-16 lower-case letters, digits, - or _";
            if (r.Name == "keys") return "rung name 'keys' is reserved (an encrypted channel's keys are served under it)";
            if (!names.Add(r.Name)) return $"rung name '{r.Name}' appears twice";
            if (r.Width is < 16 or > 7680 || r.Height is < 16 or > 4320 || r.Width % 2 != 0 || r.Height % 2 != 0)
                return $"rung {r.Name}: {r.Width}x{r.Height} must be even, 16x16 to 7680x4320";
            if (r.VideoKbps is < 64 or > 50_000) return $"rung {r.Name}: videoKbps must be 64-50000";
            if (r.AudioKbps is < 16 or > 512) return $"rung {r.Name}: audioKbps must be 16-512";
            if (r.Profile is not ("baseline" or "main" or "high")) return $"rung {r.Name}: profile '{Cut(r.Profile)}' is not baseline, main or high";
        }

        return null;
    }

    private static bool IsLogo(string logo) =>
        logo.Length <= MaxLogoLength && !logo.Any(char.IsControl) &&
        (logo.StartsWith('/') && !logo.StartsWith("//", StringComparison.Ordinal) && !logo.Contains("..", StringComparison.Ordinal) ||
         Uri.TryCreate(logo, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https");

    private static string? Cut(string? value) => value is null || value.Length <= MaxReasonLength ? value : value[..MaxReasonLength] + "…";

    private (IReadOnlyList<IChannelEvent>, ChannelRejected?) Reject(ChannelRejection reason, string message) =>
        (Array.Empty<IChannelEvent>(), new ChannelRejected(ChannelId, reason, message));

    private static (IReadOnlyList<IChannelEvent>, ChannelRejected?) Accept(params IChannelEvent[] events) => (events, null);
}
