using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Hosting;
using Inspur.Domain.Sessions;
using static Inspur.Domain.Sessions.SessionCommands;
using static Inspur.Domain.Sessions.SessionQueries;
using static Inspur.Domain.Sessions.SessionReplies;

namespace Inspur.Actors.Sessions;

/// <summary>What web code uses to start, steer, end and revoke playback sessions; nobody outside Inspur.Actors holds an IActorRef.</summary>
public interface ISessionService
{
    /// <summary>Starts the session (the playback API does this after checking entitlement and limits); a retried identical start answers the session.</summary>
    Task<ISessionReply> StartAsync(SessionId id, SessionStart start, SessionPosition position, CancellationToken ct = default);

    Task<ISessionReply> GetAsync(SessionId id, CancellationToken ct = default);

    Task<ISessionReply> PauseAsync(SessionId id, CancellationToken ct = default);

    Task<ISessionReply> ResumeAsync(SessionId id, CancellationToken ct = default);

    Task<ISessionReply> SeekAsync(SessionId id, SessionPosition position, CancellationToken ct = default);

    /// <summary>Fast-forward (above 1), rewind (below 0) or normal speed (1).</summary>
    Task<ISessionReply> SetRateAsync(SessionId id, double rate, CancellationToken ct = default);

    /// <summary>Ends the session; every node's gate refuses its token within about a second.</summary>
    Task<ISessionReply> EndAsync(SessionId id, SessionEndReason reason, CancellationToken ct = default);

    /// <summary>
    /// Refuses every token of the subscriber issued up to now on every node within about a second (a suspend); each of its
    /// sessions ends as revoked at its next refused request, or as idle.
    /// </summary>
    void RevokeSubscriber(string subscriberId);

    /// <summary>
    /// Counts <paramref name="session"/> among the subscriber's concurrent streams if fewer than <paramref name="limit"/>
    /// others play: <see cref="StreamProtocol.StreamGranted"/>, or <see cref="StreamProtocol.StreamRefused"/> naming the
    /// sessions that hold the limit. The session's heartbeats keep the lease; its end releases it.
    /// </summary>
    Task<StreamProtocol.IStreamReply> ReserveStreamAsync(string subscriberId, SessionId session, int limit, CancellationToken ct = default);

    /// <summary>Gives a reserved stream back (a playback that could not start its session).</summary>
    void ReleaseStream(string subscriberId, SessionId session);
}

/// <summary><see cref="ISessionService"/> over the session shard region and distributed pub-sub.</summary>
public sealed class SessionService(
    IRequiredActor<SessionActor> sessions,
    IRequiredActor<StreamLimiterActor> streams,
    SessionSettings settings,
    PlaybackRevocationList revocations,
    ActorSystem system) : ISessionService
{
    public static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(10);

    public Task<ISessionReply> StartAsync(SessionId id, SessionStart start, SessionPosition position, CancellationToken ct = default) =>
        Ask(new StartSession(id, start, position), ct);

    public Task<ISessionReply> GetAsync(SessionId id, CancellationToken ct = default) => Ask(new GetSession(id), ct);

    public Task<ISessionReply> PauseAsync(SessionId id, CancellationToken ct = default) => Ask(new PauseSession(id), ct);

    public Task<ISessionReply> ResumeAsync(SessionId id, CancellationToken ct = default) => Ask(new ResumeSession(id), ct);

    public Task<ISessionReply> SeekAsync(SessionId id, SessionPosition position, CancellationToken ct = default) => Ask(new SeekSession(id, position), ct);

    public Task<ISessionReply> SetRateAsync(SessionId id, double rate, CancellationToken ct = default) => Ask(new SetSessionRate(id, rate), ct);

    public Task<ISessionReply> EndAsync(SessionId id, SessionEndReason reason, CancellationToken ct = default) => Ask(new EndSession(id, reason), ct);

    public void RevokeSubscriber(string subscriberId)
    {
        if (!PartyId.IsValid(subscriberId)) throw new ArgumentException($"'{subscriberId}' is not a subscriber id", nameof(subscriberId));
        var revoked = new PlaybackRevocations.SubscriberRevoked(subscriberId, DateTimeOffset.UtcNow);
        // Here at once; elsewhere as soon as pub-sub delivers it.
        revocations.Apply(revoked);
        DistributedPubSub.Get(system).Mediator.Tell(new Publish(PlaybackRevocations.Topic, revoked));
    }

    private Task<ISessionReply> Ask(object message, CancellationToken ct) => sessions.ActorRef.Ask<ISessionReply>(message, AskTimeout, ct);

    public Task<StreamProtocol.IStreamReply> ReserveStreamAsync(string subscriberId, SessionId session, int limit, CancellationToken ct = default) =>
        streams.ActorRef.Ask<StreamProtocol.IStreamReply>(
            new StreamProtocol.ReserveStream(subscriberId, session, limit, DateTimeOffset.UtcNow + settings.IdleTimeout * 1.5), AskTimeout, ct);

    public void ReleaseStream(string subscriberId, SessionId session) => streams.ActorRef.Tell(new StreamProtocol.ReleaseStream(subscriberId, session));
}
