using Akka.Actor;
using Akka.Hosting;
using Inspur.Actors.Configuration;
using Inspur.Actors.Sessions;
using Inspur.Domain.Sessions;
using Inspur.Host.Api;
using Inspur.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using static Inspur.Domain.Sessions.SessionReplies;
using static Inspur.Domain.Sessions.StreamProtocol;

namespace Inspur.Host.Tests;

/// <summary>
/// The grant's reserve-then-start step on the product's session sharding and stream limiter (a real node, SQLite): a
/// stream reserved for a session that did not start is given back whatever stopped it, here the player hanging up
/// between the two asks (the request's cancellation), which is what an ask timeout does too.
/// </summary>
public sealed class PlaybackStartSpecs : IAsyncLifetime
{
    private static readonly SessionStart Start = new("acct-start-1", "stb-1", new PlaybackContent(ContentKind.Live, "cctv-1"));
    private IHost _node = null!;
    private ISessionService _sessions = null!;

    public async Task InitializeAsync()
    {
        var config = InspurAkkaConfig.Build(new InspurNodeSettings { Host = "127.0.0.1", Port = 0, DataDir = Repo.TempDir("playback-start") },
            Path.Combine(Repo.Root, "hocon"));
        var roles = InspurAkkaConfig.Roles(config);
        var settings = new SessionSettings();
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddAkka("inspur", (akka, _) => akka.WithInspurNode(config).WithSessionActors(roles, settings));
        builder.Services.AddInspurSessions(settings);
        _node = builder.Build();
        await _node.StartAsync();
        _sessions = _node.Services.GetRequiredService<ISessionService>();
    }

    public async Task DisposeAsync()
    {
        await _node.StopAsync();
        _node.Dispose();
    }

    [Fact]
    public async Task A_player_hanging_up_between_reserve_and_start_gets_no_stream_held()
    {
        using var hangUp = new CancellationTokenSource();
        var session = SessionId.New();
        var hangsUpAfterReserving = new HangUpAfterReserve(_sessions, hangUp);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            PlaybackApi.StartAsync(hangsUpAfterReserving, session, Start, SessionPosition.LiveEdge, 1, hangUp.Token));

        // The stream was reserved, then given back: the account's one stream is free for the next playback.
        Assert.True(hangsUpAfterReserving.Reserved);
        var giveUp = DateTimeOffset.UtcNow.AddSeconds(30);
        while ((await Streams()).Active.Count > 0)
        {
            Assert.True(DateTimeOffset.UtcNow < giveUp, "the reserved stream was not given back within 30 s");
            await Task.Delay(50);
        }

        var (view, problem) = await PlaybackApi.StartAsync(_sessions, SessionId.New(), Start, SessionPosition.LiveEdge, 1, CancellationToken.None);
        Assert.Null(problem);
        Assert.Equal(SessionPhase.Playing, view!.Phase);
    }

    [Fact]
    public async Task A_started_session_keeps_its_stream_and_the_next_one_is_refused()
    {
        var first = SessionId.New();
        var start = Start with { SubscriberId = "acct-start-2" };
        var (view, problem) = await PlaybackApi.StartAsync(_sessions, first, start, SessionPosition.LiveEdge, 1, CancellationToken.None);
        Assert.Null(problem);
        Assert.Equal(first, view!.SessionId);
        Assert.Equal([first], (await Streams("acct-start-2")).Active);

        var (none, refused) = await PlaybackApi.StartAsync(_sessions, SessionId.New(), start, SessionPosition.LiveEdge, 1, CancellationToken.None);
        Assert.Null(none);
        Assert.NotNull(refused);
        Assert.Equal([first], (await Streams("acct-start-2")).Active);
    }

    private Task<StreamList> Streams(string subscriber = "acct-start-1") =>
        _node.Services.GetRequiredService<IRequiredActor<StreamLimiterActor>>().ActorRef
            .Ask<StreamList>(new ListStreams(subscriber), TimeSpan.FromSeconds(10));

    /// <summary>The product's session service; the player hangs up (the request is cancelled) once its stream is reserved.</summary>
    private sealed class HangUpAfterReserve(ISessionService real, CancellationTokenSource hangUp) : ISessionService
    {
        public bool Reserved { get; private set; }

        public async Task<IStreamReply> ReserveStreamAsync(string subscriberId, SessionId session, int limit, CancellationToken ct = default)
        {
            var reply = await real.ReserveStreamAsync(subscriberId, session, limit, ct);
            Reserved = reply is StreamGranted;
            await hangUp.CancelAsync();
            return reply;
        }

        public Task<ISessionReply> StartAsync(SessionId id, SessionStart start, SessionPosition position, CancellationToken ct = default) =>
            real.StartAsync(id, start, position, ct);

        public void ReleaseStream(string subscriberId, SessionId session) => real.ReleaseStream(subscriberId, session);

        public Task<ISessionReply> GetAsync(SessionId id, CancellationToken ct = default) => real.GetAsync(id, ct);

        public Task<ISessionReply> PauseAsync(SessionId id, CancellationToken ct = default) => real.PauseAsync(id, ct);

        public Task<ISessionReply> ResumeAsync(SessionId id, CancellationToken ct = default) => real.ResumeAsync(id, ct);

        public Task<ISessionReply> SeekAsync(SessionId id, SessionPosition position, CancellationToken ct = default) => real.SeekAsync(id, position, ct);

        public Task<ISessionReply> SetRateAsync(SessionId id, double rate, CancellationToken ct = default) => real.SetRateAsync(id, rate, ct);

        public Task<ISessionReply> EndAsync(SessionId id, SessionEndReason reason, CancellationToken ct = default) => real.EndAsync(id, reason, ct);

        public Task<ISessionReply> KickAsync(SessionId id, CancellationToken ct = default) => real.KickAsync(id, ct);

        public Task<IReadOnlyList<SessionView>> ListBySubscriberAsync(string subscriberId, CancellationToken ct = default) => real.ListBySubscriberAsync(subscriberId, ct);

        public void RevokeSubscriber(string subscriberId, DateTimeOffset at) => real.RevokeSubscriber(subscriberId, at);
    }
}
