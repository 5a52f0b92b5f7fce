namespace Inspur.Domain.Epg;

/// <summary>An XMLTV URL fetched every <see cref="EveryMinutes"/> minutes, with its last outcome.</summary>
public sealed record EpgSource(string Url, int EveryMinutes, EpgChannelMap Map, DateTimeOffset RegisteredAt)
{
    public const int MinMinutes = 1;
    public const int MaxMinutes = 7 * 24 * 60;
    public const int MaxUrlLength = 1000;

    public DateTimeOffset? LastFetchAt { get; init; }

    /// <summary>Why the last fetch failed before anything could be imported (HTTP status, timeout, too large); null when it was read.</summary>
    public string? LastError { get; init; }

    public ImportReport? LastReport { get; init; }

    /// <summary>Null when acceptable, else the problem naming the field.</summary>
    public static (string Field, string Message)? Validate(string? url, int everyMinutes)
    {
        if (url is null || url.Length > MaxUrlLength || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            return ("url", $"url must be an absolute http(s) URL of at most {MaxUrlLength} characters");
        if (everyMinutes is < MinMinutes or > MaxMinutes) return ("everyMinutes", $"everyMinutes must be {MinMinutes}-{MaxMinutes}");
        return null;
    }
}

/// <summary>Commands, events and replies of the one <c>epg-sources</c> entity that keeps the scheduled XMLTV URLs.</summary>
public static class EpgSourceProtocol
{
    public const string PersistenceId = "epg-sources";

    /// <summary>Register (or change) a URL; the entity fetches it at once and answers with the source after that first fetch.</summary>
    public sealed record RegisterSource(string Url, int EveryMinutes, EpgChannelMap Map) : IInspurMessage;

    public sealed record ListSources : IInspurMessage
    {
        public static readonly ListSources Instance = new();
    }

    public interface ISourceEvent : IInspurMessage
    {
        string Url { get; }
    }

    public sealed record SourceRegistered(string Url, int EveryMinutes, EpgChannelMap Map, DateTimeOffset At) : ISourceEvent;

    public sealed record SourceFetched(string Url, DateTimeOffset At, string? Error, ImportReport? Report) : ISourceEvent;

    public sealed record Sources(IReadOnlyList<EpgSource> All) : IInspurMessage;

    public sealed record SourceRejected(string Field, string Message) : IInspurMessage;
}

/// <summary>Pure state of the <c>epg-sources</c> entity: the registered URLs in registration order.</summary>
public sealed record EpgSourcesState(IReadOnlyList<EpgSource> All) : IInspurMessage
{
    public const int MaxSources = 100;

    public static readonly EpgSourcesState Empty = new([]);

    public EpgSource? Find(string url) => All.FirstOrDefault(s => s.Url == url);

    public EpgSourcesState Apply(EpgSourceProtocol.ISourceEvent evt) => evt switch
    {
        EpgSourceProtocol.SourceRegistered r when Find(r.Url) is { } old =>
            new(All.Select(s => s == old ? s with { EveryMinutes = r.EveryMinutes, Map = r.Map } : s).ToList()),
        EpgSourceProtocol.SourceRegistered r => new([.. All, new EpgSource(r.Url, r.EveryMinutes, r.Map, r.At)]),
        EpgSourceProtocol.SourceFetched f => new(All.Select(s => s.Url == f.Url ? s with { LastFetchAt = f.At, LastError = f.Error, LastReport = f.Report } : s).ToList()),
        _ => this,
    };
}
