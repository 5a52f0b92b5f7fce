using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Tools.PublishSubscribe;
using Inspur.Domain.Sessions;
using static Inspur.Domain.Sessions.PlaybackRevocations;

namespace Inspur.Actors.Sessions;

/// <summary>
/// The node-local set of revoked sessions and subscribers the delivery gate checks on every request without asking an
/// actor; fed by <see cref="PlaybackRevocationListener"/> from every node. An entry is kept for the token lifetime, after
/// which every token it covers has expired anyway.
/// </summary>
public sealed class PlaybackRevocationList(SessionSettings settings)
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _sessions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _subscribers = new(StringComparer.Ordinal);

    public int Count => _sessions.Count + _subscribers.Count;

    public void Apply(IRevocation revocation)
    {
        switch (revocation)
        {
            case SessionRevoked s:
                _sessions.AddOrUpdate(s.SessionId.Value, s.At, (_, known) => known > s.At ? known : s.At);
                break;
            case SubscriberRevoked s:
                _subscribers.AddOrUpdate(s.SubscriberId, s.At, (_, known) => known > s.At ? known : s.At);
                break;
        }
    }

    /// <summary>Its session has ended or been revoked, or its subscriber was revoked at or after the token was issued.</summary>
    public bool IsRevoked(PlaybackClaims claims) => Check(claims) != RevokedBy.None;

    /// <summary>Why the token is refused: its session has ended (the entity knows), or its subscriber was revoked (the entity may not know yet).</summary>
    public RevokedBy Check(PlaybackClaims claims)
    {
        if (!_sessions.IsEmpty && _sessions.ContainsKey(claims.SessionId.Value)) return RevokedBy.Session;
        return !_subscribers.IsEmpty && _subscribers.TryGetValue(claims.SubscriberId, out var at) && claims.IssuedAt <= at ? RevokedBy.Subscriber : RevokedBy.None;
    }

    /// <summary>When the subscriber's tokens were last revoked (those issued at or before it are refused), if this node knows.</summary>
    public DateTimeOffset? SubscriberRevokedAt(string subscriberId) => _subscribers.TryGetValue(subscriberId, out var at) ? at : null;

    /// <summary>Everything this node holds, in batches of at most <see cref="RevocationBatch.MaxBatch"/> (none when it holds nothing).</summary>
    public IEnumerable<RevocationBatch> Batches()
    {
        foreach (var chunk in _sessions.Select(e => new SessionRevoked(new SessionId(e.Key), e.Value)).Chunk(RevocationBatch.MaxBatch))
            yield return new RevocationBatch(chunk, []);
        foreach (var chunk in _subscribers.Select(e => new SubscriberRevoked(e.Key, e.Value)).Chunk(RevocationBatch.MaxBatch))
            yield return new RevocationBatch([], chunk);
    }

    /// <summary>Forgets revocations older than the token lifetime.</summary>
    public void Prune(DateTimeOffset now)
    {
        var before = now - settings.TokenLifetime;
        foreach (var (key, at) in _sessions)
        {
            if (at < before) _sessions.TryRemove(key, out _);
        }

        foreach (var (key, at) in _subscribers)
        {
            if (at < before) _subscribers.TryRemove(key, out _);
        }
    }
}

/// <summary>What a token is refused for, if anything.</summary>
public enum RevokedBy
{
    None,
    Session,
    Subscriber,
}

/// <summary>
/// One per node: subscribes to <see cref="PlaybackRevocations.Topic"/> and keeps the node's <see cref="PlaybackRevocationList"/>.
/// Pub-sub only reaches nodes that are there when a revocation is published, so a listener also asks every other node's
/// listener for what it holds when that node is (or comes) up, and once more a few seconds later: a revocation published
/// while this node's subscription was still spreading through the cluster is in the second answer.
/// </summary>
public sealed class PlaybackRevocationListener : ReceiveActor, IWithTimers
{
    public const string Name = "playback-revocations";

    /// <summary>Longer than distributed pub-sub takes to spread a subscription (gossip every second by default).</summary>
    public static readonly TimeSpan SecondAsk = TimeSpan.FromSeconds(5);

    private sealed record Prune
    {
        public static readonly Prune Instance = new();
    }

    private sealed record AskAgain(Address Node);

    public PlaybackRevocationListener(PlaybackRevocationList list)
    {
        var self = Akka.Cluster.Cluster.Get(Context.System).SelfAddress;
        Receive<SubscribeAck>(_ => { });
        Receive<IRevocation>(list.Apply);
        Receive<Prune>(_ => list.Prune(DateTimeOffset.UtcNow));
        Receive<ClusterEvent.MemberUp>(up =>
        {
            if (up.Member.Address == self) return;
            Ask(up.Member.Address);
            Timers.StartSingleTimer(up.Member.Address, new AskAgain(up.Member.Address), SecondAsk);
        });
        Receive<AskAgain>(again => Ask(again.Node));
        Receive<RevocationsWanted>(_ =>
        {
            foreach (var batch in list.Batches()) Sender.Tell(batch);
        });
        Receive<RevocationBatch>(batch =>
        {
            foreach (var s in batch.Sessions) list.Apply(s);
            foreach (var s in batch.Subscribers) list.Apply(s);
        });
        Receive<ClusterEvent.IMemberEvent>(_ => { });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    private void Ask(Address node) => Context.ActorSelection(new RootActorPath(node) / "user" / Name).Tell(RevocationsWanted.Instance);

    protected override void PreStart()
    {
        DistributedPubSub.Get(Context.System).Mediator.Tell(new Subscribe(Topic, Self));
        Akka.Cluster.Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents, typeof(ClusterEvent.IMemberEvent));
        Timers.StartPeriodicTimer("prune", Prune.Instance, TimeSpan.FromMinutes(1));
    }

    protected override void PostStop() => Akka.Cluster.Cluster.Get(Context.System).Unsubscribe(Self);
}
