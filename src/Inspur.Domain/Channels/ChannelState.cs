using static Inspur.Domain.Channels.ChannelCommands;
using static Inspur.Domain.Channels.ChannelEvents;
using static Inspur.Domain.Channels.ChannelReplies;

namespace Inspur.Domain.Channels;

/// <summary>Pure state of one channel: <see cref="Process"/> decides, <see cref="Apply"/> changes; no Akka in here.</summary>
public sealed record ChannelState(ChannelId ChannelId, ChannelConfig? Config, long Version, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
    bool Running = false, IReadOnlyList<ChannelAlarm>? Alarms = null) : IInspurMessage
{
    public const int MaxNameLength = 100;
    public const int MaxNumber = 99_999;
    public const int MaxReasonLength = 200;

    public static ChannelState Empty(ChannelId id) => new(id, null, 0, default, default);

    public bool Exists => Config is not null;

    /// <summary>Either the events to persist, or the rejection to answer with (and nothing persisted).</summary>
    public (IReadOnlyList<IChannelEvent> Events, ChannelRejected? Rejection) Process(IChannelCommand command, DateTimeOffset now)
    {
        if (command.ChannelId != ChannelId)
            return Reject(ChannelRejection.Invalid, $"command for '{command.ChannelId}' sent to channel '{ChannelId}'");
        var problem = command switch
        {
            CreateChannel c => Validate(c.Config),
            UpdateChannel u => Validate(u.Config),
            StopChannel { Reason.Length: > MaxReasonLength } => $"reason must be at most {MaxReasonLength} characters",
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
            ReportAlarm when !Exists => Reject(ChannelRejection.NotFound, $"channel '{ChannelId}' does not exist"),
            ReportAlarm { Detail: { } detail } a when !HasAlarm(a.Kind) => Accept(new AlarmRaised(ChannelId, a.Kind, detail, now)),
            ReportAlarm { Detail: null } a when HasAlarm(a.Kind) => Accept(new AlarmCleared(ChannelId, a.Kind, now)),
            ReportAlarm => Accept(),
            _ => Reject(ChannelRejection.Invalid, $"unknown command {command.GetType().Name}"),
        };
    }

    public ChannelState Apply(IChannelEvent evt) => evt switch
    {
        ChannelCreated c => this with { Config = c.Config, Version = Version + 1, CreatedAt = c.At, UpdatedAt = c.At },
        ChannelUpdated u => this with { Config = u.Config, Version = Version + 1, UpdatedAt = u.At },
        ChannelStarted s => this with { Running = true, Version = Version + 1, UpdatedAt = s.At },
        // Stopping clears the alarms: a stopped channel is not in fault.
        ChannelStopped s => this with { Running = false, Alarms = null, Version = Version + 1, UpdatedAt = s.At },
        AlarmRaised a => this with { Alarms = [.. ActiveAlarms, new ChannelAlarm(a.Kind, a.Detail, a.At)], Version = Version + 1 },
        AlarmCleared c => this with { Alarms = ActiveAlarms.Where(x => x.Kind != c.Kind).ToList() is { Count: > 0 } left ? left : null, Version = Version + 1 },
        _ => this,
    };

    public ChannelView? View() => Config is null ? null : new ChannelView(ChannelId, Config, Version, CreatedAt, UpdatedAt, Running, Alarms);

    public IReadOnlyList<ChannelAlarm> ActiveAlarms => Alarms ?? [];

    private bool HasAlarm(string kind) => ActiveAlarms.Any(a => a.Kind == kind);

    /// <summary>The pipeline should run: started, with a source.</summary>
    public bool ShouldRun => Running && Config?.Source is not null;

    /// <summary>Null when the config is acceptable, else a message naming the field.</summary>
    public static string? Validate(ChannelConfig? config)
    {
        if (config is null) return "config is required";
        if (string.IsNullOrWhiteSpace(config.Name)) return "name must not be empty";
        if (config.Name.Length > MaxNameLength) return $"name must be at most {MaxNameLength} characters";
        if (config.Name.Any(char.IsControl)) return "name must not contain control characters";
        if (config.Number is < 1 or > MaxNumber) return $"number must be between 1 and {MaxNumber}";
        if (config.Source is { } source && !ChannelSource.TryParse(source, out _, out var why)) return $"source: {why}";
        return null;
    }

    private (IReadOnlyList<IChannelEvent>, ChannelRejected?) Reject(ChannelRejection reason, string message) =>
        (Array.Empty<IChannelEvent>(), new ChannelRejected(ChannelId, reason, message));

    private static (IReadOnlyList<IChannelEvent>, ChannelRejected?) Accept(params IChannelEvent[] events) => (events, null);
}
