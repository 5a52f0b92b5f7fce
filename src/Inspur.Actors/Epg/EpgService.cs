using Akka.Actor;
using Akka.Hosting;
using Inspur.Domain;
using Inspur.Domain.Channels;
using Inspur.Domain.Epg;
using static Inspur.Domain.Epg.EpgCommands;
using static Inspur.Domain.Epg.EpgQueries;
using static Inspur.Domain.Epg.EpgReplies;

namespace Inspur.Actors.Epg;

/// <summary>What web code uses to read and write the EPG; nobody outside Inspur.Actors holds an IActorRef.</summary>
public interface IEpgService
{
    /// <summary>Replaces the channel's programmes in their span; answers <see cref="ImportApplied"/> or <see cref="EpgRejected"/>.</summary>
    Task<IEpgReply> ImportAsync(ChannelId channel, IReadOnlyList<Programme> programmes, string source, CancellationToken ct = default);

    Task<Schedule> ScheduleAsync(ChannelId channel, DateTimeOffset from, DateTimeOffset to, CancellationToken ct = default);

    Task<NowNext> NowNextAsync(ChannelId channel, DateTimeOffset at, CancellationToken ct = default);

    /// <summary><see cref="ProgrammeFound"/>, or <see cref="EpgRejected"/> NotFound (also for an id that is no programme id).</summary>
    Task<IEpgReply> ProgrammeAsync(string programmeId, CancellationToken ct = default);

    /// <summary>Every channel with programmes in the UTC day, from the grid read model.</summary>
    Task<IReadOnlyList<EpgGridRow>> GridAsync(DateOnly day, CancellationToken ct = default);

    /// <summary>Registers (or changes) a scheduled XMLTV URL and fetches it once: <see cref="EpgSourceProtocol.Sources"/> with it, or <see cref="EpgSourceProtocol.SourceRejected"/>.</summary>
    Task<IInspurMessage> RegisterSourceAsync(string url, int everyMinutes, EpgChannelMap map, CancellationToken ct = default);

    Task<IReadOnlyList<EpgSource>> SourcesAsync(CancellationToken ct = default);
}

/// <summary><see cref="IEpgService"/> over the <c>epg</c> shard region and the grid projection.</summary>
public sealed class EpgService(IRequiredActor<EpgActor> epg, IRequiredActor<EpgGridProjection> grid, IRequiredActor<EpgSourcesActor> sources,
    EpgFetchOptions fetch, TimeProvider? clock = null) : IEpgService
{
    public static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(20);

    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    public async Task<IEpgReply> ImportAsync(ChannelId channel, IReadOnlyList<Programme> programmes, string source, CancellationToken ct = default)
    {
        var reply = await epg.ActorRef.Ask<IEpgReply>(new ImportProgrammes(channel, programmes, source, _clock.GetUtcNow()), AskTimeout, ct);
        if (reply is ImportApplied { Event: { } evt } applied) grid.ActorRef.Tell(new EpgGridProjection.Observed(evt, applied.Version));
        return reply;
    }

    public Task<Schedule> ScheduleAsync(ChannelId channel, DateTimeOffset from, DateTimeOffset to, CancellationToken ct = default) =>
        epg.ActorRef.Ask<Schedule>(new GetSchedule(channel, from, to), AskTimeout, ct);

    public Task<NowNext> NowNextAsync(ChannelId channel, DateTimeOffset at, CancellationToken ct = default) =>
        epg.ActorRef.Ask<NowNext>(new GetNowNext(channel, at), AskTimeout, ct);

    public async Task<IEpgReply> ProgrammeAsync(string programmeId, CancellationToken ct = default)
    {
        if (!Programme.TryParseId(programmeId, out var channel, out _))
            return new EpgRejected(new ChannelId("unknown"), EpgRejection.NotFound, $"'{programmeId}' is not a programme id ({{channel}}-{{startUnixSeconds}})");
        return await epg.ActorRef.Ask<IEpgReply>(new GetProgramme(channel, programmeId), AskTimeout, ct);
    }

    public async Task<IReadOnlyList<EpgGridRow>> GridAsync(DateOnly day, CancellationToken ct = default)
    {
        var (from, to) = EpgState.Day(day);
        return await grid.ActorRef.Ask<List<EpgGridRow>>(new EpgGridProjection.GetGrid(from, to), AskTimeout, ct);
    }

    public Task<IInspurMessage> RegisterSourceAsync(string url, int everyMinutes, EpgChannelMap map, CancellationToken ct = default) =>
        sources.ActorRef.Ask<IInspurMessage>(new EpgSourceProtocol.RegisterSource(url, everyMinutes, map), fetch.Timeout + AskTimeout, ct);

    public async Task<IReadOnlyList<EpgSource>> SourcesAsync(CancellationToken ct = default) =>
        (await sources.ActorRef.Ask<EpgSourceProtocol.Sources>(EpgSourceProtocol.ListSources.Instance, AskTimeout, ct)).All;
}
