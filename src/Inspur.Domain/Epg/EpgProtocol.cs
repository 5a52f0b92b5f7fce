using Inspur.Domain.Channels;

namespace Inspur.Domain.Epg;

/// <summary>Commands the <c>epg</c> entity of a channel accepts.</summary>
public static class EpgCommands
{
    public interface IEpgCommand : IWithChannelId, IInspurMessage;

    /// <summary>Replace the channel's programmes within the span of <paramref name="Programmes"/> by these, all at once.</summary>
    public sealed record ImportProgrammes(ChannelId ChannelId, IReadOnlyList<Programme> Programmes, string Source, DateTimeOffset At) : IEpgCommand;
}

/// <summary>Queries the <c>epg</c> entity answers without changing state.</summary>
public static class EpgQueries
{
    /// <summary>Programmes that overlap [From, To).</summary>
    public sealed record GetSchedule(ChannelId ChannelId, DateTimeOffset From, DateTimeOffset To) : IWithChannelId, IInspurMessage;

    public sealed record GetNowNext(ChannelId ChannelId, DateTimeOffset At) : IWithChannelId, IInspurMessage;

    public sealed record GetProgramme(ChannelId ChannelId, string ProgrammeId) : IWithChannelId, IInspurMessage;
}

/// <summary>Facts the <c>epg</c> entity persists; tagged <see cref="Tag"/> for the grid projection.</summary>
public static class EpgEvents
{
    public const string Tag = "epg";

    public interface IEpgEvent : IWithChannelId, IInspurMessage
    {
        DateTimeOffset At { get; }
    }

    /// <summary>The programmes in [From, To) are now exactly <paramref name="Programmes"/>: one import of one channel, applied whole.</summary>
    public sealed record ProgrammesImported(ChannelId ChannelId, DateTimeOffset From, DateTimeOffset To, IReadOnlyList<Programme> Programmes, string Source,
        DateTimeOffset At) : IEpgEvent;
}

/// <summary>What the <c>epg</c> entity answers.</summary>
public static class EpgReplies
{
    public interface IEpgReply : IInspurMessage;

    /// <summary>An import was taken: <paramref name="Changed"/> false when the channel already had exactly these programmes.</summary>
    public sealed record ImportApplied(ChannelId ChannelId, DateTimeOffset From, DateTimeOffset To, int Programmes, bool Changed, long Version) : IEpgReply
    {
        /// <summary>The event persisted (when changed), so the local grid reads its own write at once.</summary>
        public EpgEvents.ProgrammesImported? Event { get; init; }
    }

    public sealed record Schedule(ChannelId ChannelId, DateTimeOffset From, DateTimeOffset To, IReadOnlyList<Programme> Programmes) : IEpgReply;

    public sealed record NowNext(ChannelId ChannelId, DateTimeOffset At, Programme? Now, Programme? Next) : IEpgReply;

    public sealed record ProgrammeFound(Programme Programme) : IEpgReply;

    public sealed record EpgRejected(ChannelId ChannelId, EpgRejection Reason, string Message) : IEpgReply;
}

/// <summary>Why an EPG command or query was refused; the REST layer maps each to an HTTP status.</summary>
public enum EpgRejection
{
    NotFound,
    Invalid,
}
