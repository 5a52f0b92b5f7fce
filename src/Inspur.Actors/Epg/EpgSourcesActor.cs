using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using Inspur.Actors.Projections;
using Inspur.Domain.Epg;
using static Inspur.Domain.Epg.EpgSourceProtocol;

namespace Inspur.Actors.Epg;

/// <summary>How scheduled XMLTV fetches are bounded.</summary>
public sealed record EpgFetchOptions
{
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    public long MaxBytes { get; init; } = 20 * 1024 * 1024;
}

/// <summary>
/// The one <c>epg-sources</c> entity (a cluster singleton on <c>backoffice</c>): persists the registered XMLTV URLs and each
/// fetch's outcome, and fetches every URL on its own Akka timer through the <see cref="EpgImporter"/>.
/// </summary>
public sealed class EpgSourcesActor : SnapshottingActor, IWithTimers
{
    public const string SingletonName = "epg-sources";
    public const int SnapshotEvery = 20;

    private sealed record Fetch(string Url);

    private sealed record Fetched(string Url, string? Error, ImportReport? Report, IActorRef? ReplyTo);

    private readonly EpgImporter _importer;
    private readonly EpgFetchOptions _options;
    private readonly HttpClient _http;
    private readonly HashSet<string> _fetching = [];
    private EpgSourcesState _state = EpgSourcesState.Empty;

    public EpgSourcesActor(EpgImporter importer, EpgFetchOptions? options = null)
    {
        _importer = importer;
        _options = options ?? new EpgFetchOptions();
        _http = new HttpClient { Timeout = _options.Timeout };

        Recover<SnapshotOffer>(offer =>
        {
            if (offer.Snapshot is EpgSourcesState snapshot) _state = snapshot;
        });
        Recover<ISourceEvent>(evt => _state = _state.Apply(evt));
        Recover<RecoveryCompleted>(_ =>
        {
            var now = DateTimeOffset.UtcNow;
            foreach (var source in _state.All)
            {
                var due = (source.LastFetchAt ?? source.RegisteredAt) + TimeSpan.FromMinutes(source.EveryMinutes) - now;
                Timers.StartSingleTimer(source.Url, new Fetch(source.Url), due > TimeSpan.Zero ? due : TimeSpan.Zero);
            }
        });

        Command<RegisterSource>(Register);
        Command<ListSources>(_ => Sender.Tell(new Sources(_state.All)));
        Command<Fetch>(f =>
        {
            if (_state.Find(f.Url) is { } source) StartFetch(source, null);
        });
        Command<Fetched>(f => Persist(new SourceFetched(f.Url, DateTimeOffset.UtcNow, f.Error, f.Report), evt =>
        {
            _fetching.Remove(f.Url);
            Update(evt);
            if (_state.Find(f.Url) is { } source)
            {
                Timers.StartSingleTimer(source.Url, new Fetch(source.Url), TimeSpan.FromMinutes(source.EveryMinutes));
                f.ReplyTo?.Tell(new Sources([source]));
            }
        }));
        KeepOnlyLatestSnapshot();
    }

    public override string PersistenceId => EpgSourceProtocol.PersistenceId;

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PostStop()
    {
        _http.Dispose();
        base.PostStop();
    }

    private void Register(RegisterSource r)
    {
        if (EpgSource.Validate(r.Url, r.EveryMinutes) is { } problem)
        {
            Sender.Tell(new SourceRejected(problem.Field, problem.Message));
            return;
        }

        var existing = _state.Find(r.Url);
        if (existing is null && _state.All.Count >= EpgSourcesState.MaxSources)
        {
            Sender.Tell(new SourceRejected("url", $"at most {EpgSourcesState.MaxSources} sources"));
            return;
        }

        var replyTo = Sender;
        if (existing is not null && existing.EveryMinutes == r.EveryMinutes && existing.Map == r.Map)
        {
            StartFetch(existing, replyTo);
            return;
        }

        Persist(new SourceRegistered(r.Url, r.EveryMinutes, r.Map ?? EpgChannelMap.Identity, DateTimeOffset.UtcNow), evt =>
        {
            Update(evt);
            StartFetch(_state.Find(r.Url)!, replyTo);
        });
    }

    private void StartFetch(EpgSource source, IActorRef? replyTo)
    {
        if (!_fetching.Add(source.Url) && replyTo is null) return;
        Timers.Cancel(source.Url);
        var self = Self;
        FetchAsync(source).PipeTo(self, success: result => result with { ReplyTo = replyTo },
            failure: ex => new Fetched(source.Url, $"import failed: {ex.GetBaseException().Message}", null, replyTo));
    }

    private async Task<Fetched> FetchAsync(EpgSource source)
    {
        try
        {
            using var timeout = new CancellationTokenSource(_options.Timeout);
            using var response = await _http.GetAsync(source.Url, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            if (!response.IsSuccessStatusCode) return new Fetched(source.Url, $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}", null, null);
            if (response.Content.Headers.ContentLength > _options.MaxBytes)
                return new Fetched(source.Url, $"the file is larger than {_options.MaxBytes} bytes", null, null);
            await using var body = await response.Content.ReadAsStreamAsync(timeout.Token);
            using var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = await body.ReadAsync(chunk, timeout.Token)) > 0)
            {
                if (buffer.Length + read > _options.MaxBytes) return new Fetched(source.Url, $"the file is larger than {_options.MaxBytes} bytes", null, null);
                buffer.Write(chunk, 0, read);
            }

            buffer.Position = 0;
            var result = await _importer.ImportAsync(buffer, source.Map, $"url:{source.Url}", timeout.Token);
            return new Fetched(source.Url, null, result.Report, null);
        }
        catch (OperationCanceledException)
        {
            return new Fetched(source.Url, $"no complete answer within {_options.Timeout.TotalSeconds:0} s", null, null);
        }
        catch (HttpRequestException ex)
        {
            return new Fetched(source.Url, ex.Message, null, null);
        }
    }

    private void Update(ISourceEvent evt)
    {
        _state = _state.Apply(evt);
        if (LastSequenceNr % SnapshotEvery == 0) SaveSnapshot(_state);
    }
}
