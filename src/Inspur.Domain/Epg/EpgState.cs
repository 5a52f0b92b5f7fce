using Inspur.Domain.Channels;
using static Inspur.Domain.Epg.EpgCommands;
using static Inspur.Domain.Epg.EpgEvents;
using static Inspur.Domain.Epg.EpgReplies;

namespace Inspur.Domain.Epg;

/// <summary>
/// Pure EPG of one channel: <see cref="Process"/> turns an import into at most one event replacing a time span,
/// <see cref="Apply"/> applies it and forgets programmes that ended more than <see cref="KeepDays"/> days before.
/// </summary>
public sealed record EpgState(ChannelId ChannelId, IReadOnlyList<Programme> Programmes, long Version, DateTimeOffset? LastImportAt = null,
    string? LastSource = null) : IInspurMessage
{
    public const int KeepDays = 8;
    public const int MaxProgrammesPerImport = 20_000;
    public const int MaxSourceLength = 500;

    public static EpgState Empty(ChannelId id) => new(id, [], 0);

    public bool Exists => Version > 0;

    public (IReadOnlyList<IEpgEvent> Events, EpgRejected? Rejection) Process(IEpgCommand command)
    {
        if (command.ChannelId != ChannelId) return Reject($"command for '{command.ChannelId}' sent to the EPG of '{ChannelId}'");
        if (command is not ImportProgrammes import) return Reject($"unknown command {command.GetType().Name}");
        if (import.Programmes is null) return Reject("programmes are required");
        if (import.Programmes.Count > MaxProgrammesPerImport) return Reject($"at most {MaxProgrammesPerImport} programmes per import and channel");
        if (string.IsNullOrWhiteSpace(import.Source) || import.Source.Length > MaxSourceLength) return Reject($"source must be 1-{MaxSourceLength} characters");

        var horizon = Horizon(import.At);
        var incoming = import.Programmes.Where(p => p is not null && p.Stop > horizon).OrderBy(p => p.Start).ToList();
        for (var i = 0; i < incoming.Count; i++)
        {
            var p = incoming[i];
            if (p.ChannelId != ChannelId) return Reject($"programme {p.Id} belongs to '{p.ChannelId}', not '{ChannelId}'");
            if (p.Stop <= p.Start) return Reject($"programme {p.Id}: stop is not after start");
            if (p.Start.Offset != TimeSpan.Zero || p.Stop.Offset != TimeSpan.Zero) return Reject($"programme {p.Id}: times must be UTC");
            if (string.IsNullOrWhiteSpace(p.Title)) return Reject($"programme {p.Id} has no title");
            if (i > 0 && p.Start < incoming[i - 1].Stop) return Reject($"programme {p.Id} overlaps {incoming[i - 1].Id}");
        }

        if (incoming.Count == 0) return ([], null);
        var (from, to) = (incoming[0].Start, incoming[^1].Stop);
        var replaced = Programmes.Where(p => p.Stop > horizon && Overlaps(p, from, to)).ToList();
        if (replaced.SequenceEqual(incoming)) return ([], null);
        return ([new ProgrammesImported(ChannelId, from, to, incoming, import.Source, import.At)], null);
    }

    public EpgState Apply(IEpgEvent evt) => evt switch
    {
        ProgrammesImported i => this with
        {
            Programmes = Programmes.Where(p => !Overlaps(p, i.From, i.To) && p.Stop > Horizon(i.At)).Concat(i.Programmes).OrderBy(p => p.Start).ToList(),
            Version = Version + 1,
            LastImportAt = i.At,
            LastSource = i.Source,
        },
        _ => this,
    };

    /// <summary>Programmes overlapping [from, to), in start order.</summary>
    public IReadOnlyList<Programme> Between(DateTimeOffset from, DateTimeOffset to) => Programmes.Where(p => Overlaps(p, from, to)).ToList();

    /// <summary>The programme on the air at <paramref name="at"/> (null in a gap) and the one after it.</summary>
    public (Programme? Now, Programme? Next) NowNext(DateTimeOffset at)
    {
        var now = Programmes.FirstOrDefault(p => p.Start <= at && at < p.Stop);
        var next = Programmes.FirstOrDefault(p => p.Start >= (now?.Stop ?? at) && p != now);
        return (now, next);
    }

    public Programme? Find(string programmeId) => Programmes.FirstOrDefault(p => p.Id == programmeId);

    /// <summary>The UTC day [00:00, 24:00) of <paramref name="day"/>.</summary>
    public static (DateTimeOffset From, DateTimeOffset To) Day(DateOnly day)
    {
        var from = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        return (from, from.AddDays(1));
    }

    public static DateTimeOffset Horizon(DateTimeOffset at) => at.ToUniversalTime().AddDays(-KeepDays);

    private static bool Overlaps(Programme p, DateTimeOffset from, DateTimeOffset to) => p.Start < to && p.Stop > from;

    private (IReadOnlyList<IEpgEvent>, EpgRejected?) Reject(string message) => ([], new EpgRejected(ChannelId, EpgRejection.Invalid, message));
}
