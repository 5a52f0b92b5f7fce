using static Inspur.Domain.Channels.ChannelCommands;
using static Inspur.Domain.Channels.ChannelEvents;
using static Inspur.Domain.Channels.ChannelReplies;

namespace Inspur.Domain.Channels;

/// <summary>Pure state of one channel: <see cref="Process"/> decides, <see cref="Apply"/> changes; no Akka in here.</summary>
public sealed record ChannelState(ChannelId ChannelId, ChannelConfig? Config, long Version, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
    : IInspurMessage
{
    public const int MaxNameLength = 100;
    public const int MaxNumber = 99_999;

    public static ChannelState Empty(ChannelId id) => new(id, null, 0, default, default);

    public bool Exists => Config is not null;

    /// <summary>Either the events to persist, or the rejection to answer with (and nothing persisted).</summary>
    public (IReadOnlyList<IChannelEvent> Events, ChannelRejected? Rejection) Process(IChannelCommand command, DateTimeOffset now)
    {
        if (command.ChannelId != ChannelId)
            return Reject(ChannelRejection.Invalid, $"command for '{command.ChannelId}' sent to channel '{ChannelId}'");
        var problem = Validate(command switch
        {
            CreateChannel c => c.Config,
            UpdateChannel u => u.Config,
            _ => null,
        });
        if (problem is not null) return Reject(ChannelRejection.Invalid, problem);
        return command switch
        {
            CreateChannel when Exists => Reject(ChannelRejection.AlreadyExists, $"channel '{ChannelId}' already exists"),
            CreateChannel c => Accept(new ChannelCreated(ChannelId, c.Config, now)),
            UpdateChannel when !Exists => Reject(ChannelRejection.NotFound, $"channel '{ChannelId}' does not exist"),
            UpdateChannel u when u.Config == Config => Accept(),
            UpdateChannel u => Accept(new ChannelUpdated(ChannelId, u.Config, now)),
            _ => Reject(ChannelRejection.Invalid, $"unknown command {command.GetType().Name}"),
        };
    }

    public ChannelState Apply(IChannelEvent evt) => evt switch
    {
        ChannelCreated c => this with { Config = c.Config, Version = Version + 1, CreatedAt = c.At, UpdatedAt = c.At },
        ChannelUpdated u => this with { Config = u.Config, Version = Version + 1, UpdatedAt = u.At },
        _ => this,
    };

    public ChannelView? View() => Config is null ? null : new ChannelView(ChannelId, Config, Version, CreatedAt, UpdatedAt);

    /// <summary>Null when the config is acceptable, else a message naming the field.</summary>
    public static string? Validate(ChannelConfig? config)
    {
        if (config is null) return "config is required";
        if (string.IsNullOrWhiteSpace(config.Name)) return "name must not be empty";
        if (config.Name.Length > MaxNameLength) return $"name must be at most {MaxNameLength} characters";
        if (config.Name.Any(char.IsControl)) return "name must not contain control characters";
        if (config.Number is < 1 or > MaxNumber) return $"number must be between 1 and {MaxNumber}";
        return null;
    }

    private (IReadOnlyList<IChannelEvent>, ChannelRejected?) Reject(ChannelRejection reason, string message) =>
        (Array.Empty<IChannelEvent>(), new ChannelRejected(ChannelId, reason, message));

    private static (IReadOnlyList<IChannelEvent>, ChannelRejected?) Accept(params IChannelEvent[] events) => (events, null);
}
