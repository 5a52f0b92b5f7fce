using Akka.Actor;
using Inspur.Actors.Sessions;
using Inspur.Domain.Sessions;
using Inspur.Host.Api;
using static Inspur.Domain.Sessions.SessionReplies;
using static Inspur.Domain.Sessions.StreamProtocol;

namespace Inspur.Host.Tests;

/// <summary>The grant's reserve-then-start step: a stream reserved for a session that did not start is given back, whatever stopped it.</summary>
public sealed class PlaybackStartSpecs
{
    private static readonly SessionStart Start = new("acct-1", "stb-1", new PlaybackContent(ContentKind.Live, "cctv-1"));

    [Fact]
    public async Task A_start_whose_ask_times_out_gives_the_reserved_stream_back_and_still_fails()
    {
        var sessions = new ScriptedSessions { Start = () => throw new AskTimeoutException("shards moving") };
        var session = SessionId.New();

        await Assert.ThrowsAsync<AskTimeoutException>(() => PlaybackApi.StartAsync(sessions, session, Start, SessionPosition.LiveEdge, 2, CancellationToken.None));

        Assert.Equal([("acct-1", session)], sessions.Released);
    }

    [Fact]
    public async Task A_reservation_whose_ask_times_out_is_given_back_too()
    {
        var sessions = new ScriptedSessions { Reserve = () => throw new AskTimeoutException("limiter moving") };
        var session = SessionId.New();

        await Assert.ThrowsAsync<AskTimeoutException>(() => PlaybackApi.StartAsync(sessions, session, Start, SessionPosition.LiveEdge, 2, CancellationToken.None));

        Assert.Equal([("acct-1", session)], sessions.Released);
    }

    [Fact]
    public async Task A_started_session_keeps_its_stream()
    {
        var sessions = new ScriptedSessions();
        var session = SessionId.New();

        var (view, problem) = await PlaybackApi.StartAsync(sessions, session, Start, SessionPosition.LiveEdge, 2, CancellationToken.None);

        Assert.Equal(session, view?.SessionId);
        Assert.Null(problem);
        Assert.Empty(sessions.Released);
    }

    /// <summary>Answers the grant's two asks as scripted (granted, started by default) and records the releases.</summary>
    private sealed class ScriptedSessions : ISessionService
    {
        public Func<IStreamReply>? Reserve { get; init; }

        public Func<ISessionReply>? Start { get; init; }

        public List<(string Subscriber, SessionId Session)> Released { get; } = [];

        public Task<IStreamReply> ReserveStreamAsync(string subscriberId, SessionId session, int limit, CancellationToken ct = default) =>
            Task.FromResult(Reserve?.Invoke() ?? new StreamGranted(session));

        public Task<ISessionReply> StartAsync(SessionId id, SessionStart start, SessionPosition position, CancellationToken ct = default)
        {
            var now = DateTimeOffset.UtcNow;
            return Task.FromResult(Start?.Invoke() ?? new SessionView(id, start, SessionPhase.Playing, position, 1, 1, now, now, now));
        }

        public void ReleaseStream(string subscriberId, SessionId session) => Released.Add((subscriberId, session));

        public Task<ISessionReply> GetAsync(SessionId id, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<ISessionReply> PauseAsync(SessionId id, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<ISessionReply> ResumeAsync(SessionId id, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<ISessionReply> SeekAsync(SessionId id, SessionPosition position, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<ISessionReply> SetRateAsync(SessionId id, double rate, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<ISessionReply> EndAsync(SessionId id, SessionEndReason reason, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<ISessionReply> KickAsync(SessionId id, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<IReadOnlyList<SessionView>> ListBySubscriberAsync(string subscriberId, CancellationToken ct = default) => throw new NotSupportedException();

        public void RevokeSubscriber(string subscriberId) => throw new NotSupportedException();
    }
}
