namespace Inspur.Domain.Channels;

/// <summary>The configuration an operator gives a channel.</summary>
public sealed record ChannelConfig(string Name, int Number)
{
    /// <summary>Where the MPEG-TS arrives, e.g. <c>udp://127.0.0.1:5000</c> or <c>udp://239.1.1.1:5000?iface=10.0.0.5</c>.</summary>
    public string? Source { get; init; }

    /// <summary>Publish LL-HLS parts and answer blocking playlist reloads.</summary>
    public bool LowLatency { get; init; }
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
}

/// <summary>An active alarm of a channel, as operators see it.</summary>
public sealed record ChannelAlarm(string Kind, string Detail, DateTimeOffset Since);

/// <summary>Alarm kinds a channel raises.</summary>
public static class AlarmKinds
{
    /// <summary>No bytes from the source for longer than the channel tolerates.</summary>
    public const string NoInput = "no-input";
}

/// <summary>What a channel entity answers.</summary>
public static class ChannelReplies
{
    public interface IChannelReply : IInspurMessage;

    /// <summary>The channel as it is after the command or at the time of the query.</summary>
    public sealed record ChannelView(ChannelId ChannelId, ChannelConfig Config, long Version, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
        bool Running = false, IReadOnlyList<ChannelAlarm>? Alarms = null) : IChannelReply;

    public sealed record ChannelRejected(ChannelId ChannelId, ChannelRejection Reason, string Message) : IChannelReply;
}

/// <summary>Why a channel command was refused; the REST layer maps each to an HTTP status.</summary>
public enum ChannelRejection
{
    NotFound,
    AlreadyExists,
    Invalid,
}
