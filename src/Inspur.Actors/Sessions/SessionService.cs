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
    /// An operator ends the session: it ends as <see cref="SessionEndReason.Kicked"/>, gives its stream lease back, and its token is
    /// refused on this node at once and on every other within about a second. Kicking a session already kicked answers it again;
    /// one that ended otherwise is <see cref="SessionRejection.Ended"/>, an unknown one <see cref="SessionRejection.NotFound"/>.
    /// </summary>
    Task<ISessionReply> KickAsync(SessionId id, CancellationToken ct = default);

    /// <summary>
    /// The subscriber's sessions that hold a stream lease and have not ended (the <c>subscriber-streams</c> entity knows the
    /// leases, each session entity its state), oldest started first.
    /// </summary>
    Task<IReadOnlyList<SessionView>> ListBySubscriberAsync(string subscriberId, CancellationToken ct = default);

    /// <summary>
    /// Refuses every token of the subscriber issued up to <paramref name="at"/> (the suspend's own time) on every node within
    /// about a second; each of its sessions ends as revoked at its next refused request, or as idle.
    /// </summary>
    void RevokeSubscriber(string subscriberId, DateTimeOffset at);

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
    IRequiredActor<SessionBucketActor> sessions,
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

    public async Task<ISessionReply> KickAsync(SessionId id, CancellationToken ct = default)
    {
        var reply = await Ask(new EndSession(id, SessionEndReason.Kicked), ct);
        if (reply is SessionRejected { Reason: SessionRejection.Ended } && await GetAsync(id, ct) is SessionView { EndReason: SessionEndReason.Kicked } kicked)
            reply = kicked;
        // The entity publishes the revocation to every node; here it holds before the operator sees the answer.
        if (reply is SessionView { Phase: SessionPhase.Ended } ended)
            revocations.Apply(new PlaybackRevocations.SessionRevoked(ended.SessionId, ended.UpdatedAt));
        return reply;
    }

    public async Task<IReadOnlyList<SessionView>> ListBySubscriberAsync(string subscriberId, CancellationToken ct = default)
    {
        if (!PartyId.IsValid(subscriberId)) throw new ArgumentException($"'{subscriberId}' is not a subscriber id", nameof(subscriberId));
        var leases = await streams.ActorRef.Ask<StreamProtocol.StreamList>(new StreamProtocol.ListStreams(subscriberId), AskTimeout, ct);
        var replies = await Task.WhenAll(leases.Active.Select(id => GetAsync(id, ct)));
        // A lease outlives its session briefly when the release was lost; a reserved one may not have started its session yet.
        return replies.OfType<SessionView>()
            .Where(v => v.Phase != SessionPhase.Ended && v.Start.SubscriberId == subscriberId)
            .OrderBy(v => v.StartedAt)
            .ThenBy(v => v.SessionId.Value, StringComparer.Ordinal)
            .ToList();
    }

    public void RevokeSubscriber(string subscriberId, DateTimeOffset at)
    {
        if (!PartyId.IsValid(subscriberId)) throw new ArgumentException($"'{subscriberId}' is not a subscriber id", nameof(subscriberId));
        var revoked = new PlaybackRevocations.SubscriberRevoked(subscriberId, at);
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
