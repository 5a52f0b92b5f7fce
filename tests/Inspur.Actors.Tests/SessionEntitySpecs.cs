using Akka.Actor;
using Akka.Hosting;
using Akka.Persistence;
using Inspur.Actors.Configuration;
using Inspur.Actors.Sessions;
using Inspur.Domain.Channels;
using Inspur.Domain.Sessions;
using Inspur.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using static Inspur.Domain.Sessions.SessionReplies;

namespace Inspur.Actors.Tests;

/// <summary>
/// The production wiring of the <c>session</c> entity, a bucket of sessions, on a real journal: state changes survive a
/// restart (through a snapshot too), heartbeats are kept in memory only and hold off each session's own idle timeout, an
/// idle session ends by itself, an ended one is revoked in the node's revocation list through distributed pub-sub and
/// forgotten a token lifetime later.
/// </summary>
public sealed class SessionEntitySpecs
{
    private static readonly SessionSettings Settings = new() { IdleTimeout = TimeSpan.FromSeconds(2), HeartbeatInterval = TimeSpan.FromMilliseconds(200) };
    private static readonly SessionStart Archive = new("acct-1", "stb-1", PlaybackContent.Archive(new ChannelId("cctv-1")));
    private static readonly SessionStart Live = new("acct-1", "stb-1", PlaybackContent.Live(new ChannelId("cctv-1")));

    [Fact]
    public Task Recovers_on_sqlite() => WriteStopRecover(Repo.TempDir("session-recovery-sqlite"), null);

    [Fact]
    public async Task Recovers_on_postgres()
    {
        await using var db = await PostgresDatabase.CreateAsync();
        await WriteStopRecover(Repo.TempDir("session-recovery-pg"), db.ConnectionString);
    }

    private static async Task WriteStopRecover(string dataDir, string? postgres)
    {
        var (watching, stopped) = (new SessionId("ses-watching"), new SessionId("ses-stopped"));
        var programme = DateTimeOffset.UtcNow.AddHours(-1);
        var slow = Settings with { IdleTimeout = TimeSpan.FromMinutes(5) };
        using (var first = await StartAsync(dataDir, postgres, slow))
        {
            var sessions = first.Services.GetRequiredService<ISessionService>();
            Assert.IsType<SessionView>(await sessions.StartAsync(watching, Archive, SessionPosition.Archive(programme)));
            Assert.IsType<SessionView>(await sessions.SeekAsync(watching, SessionPosition.Archive(programme.AddMinutes(10))));
            Assert.IsType<SessionView>(await sessions.PauseAsync(watching));
            Assert.IsType<SessionView>(await sessions.StartAsync(stopped, Live, SessionPosition.LiveEdge));
            var ended = Assert.IsType<SessionView>(await sessions.EndAsync(stopped, SessionEndReason.Stopped));
            Assert.Equal((SessionPhase.Ended, SessionEndReason.Stopped), (ended.Phase, ended.EndReason));
            await first.StopAsync();
        }

        using var second = await StartAsync(dataDir, postgres, slow);
        var again = second.Services.GetRequiredService<ISessionService>();
        var recovered = Assert.IsType<SessionView>(await again.GetAsync(watching));
        Assert.Equal((SessionPhase.Paused, Archive, 3L), (recovered.Phase, recovered.Start, recovered.Version));
        // Paused a moment after the seek, at rate 1: a few milliseconds on, and not moving since.
        Assert.InRange(recovered.Position.At!.Value - programme.AddMinutes(10), TimeSpan.Zero, TimeSpan.FromSeconds(5));
        Assert.Equal(recovered.Position, Assert.IsType<SessionView>(await again.GetAsync(watching)).Position);
        Assert.Null(recovered.LastSeen);
        var end = Assert.IsType<SessionView>(await again.GetAsync(stopped));
        Assert.Equal((SessionPhase.Ended, SessionEndReason.Stopped), (end.Phase, end.EndReason));
        Assert.Equal(SessionRejection.Ended, Assert.IsType<SessionRejected>(await again.ResumeAsync(stopped)).Reason);
        Assert.Equal(SessionRejection.NotFound, Assert.IsType<SessionRejected>(await again.GetAsync(new SessionId("ses-never"))).Reason);
    }

    [Fact]
    public async Task Heartbeats_hold_off_the_idle_timeout_then_the_session_ends_idle_and_is_revoked()
    {
        using var node = await StartAsync(Repo.TempDir("session-idle"), null, Settings);
        var sessions = node.Services.GetRequiredService<ISessionService>();
        var heartbeats = node.Services.GetRequiredService<SessionHeartbeats>();
        var revocations = node.Services.GetRequiredService<PlaybackRevocationList>();
        var id = new SessionId("ses-idle");
        var claims = new PlaybackClaims(id, Live.SubscriberId, Live.DeviceId, Live.Content, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddHours(1));
        Assert.IsType<SessionView>(await sessions.StartAsync(id, Live, SessionPosition.LiveEdge));

        // Heartbeats for two idle timeouts: still playing, last seen recently. Reading it (GET) is no heartbeat.
        var until = DateTimeOffset.UtcNow + Settings.IdleTimeout * 2;
        while (DateTimeOffset.UtcNow < until)
        {
            heartbeats.Seen(id);
            await Task.Delay(50);
        }

        var playing = Assert.IsType<SessionView>(await sessions.GetAsync(id));
        Assert.Equal(SessionPhase.Playing, playing.Phase);
        Assert.NotNull(playing.LastSeen);
        Assert.False(revocations.IsRevoked(claims));
        // Coalesced: far fewer heartbeats left than were reported (one per 200 ms at most).
        Assert.InRange(heartbeats.Sent, 1, 4 * 5 + 2);

        var ended = await Eventually(async () => await sessions.GetAsync(id) is SessionView { Phase: SessionPhase.Ended } v ? v : null, "the idle end");
        Assert.Equal(SessionEndReason.Idle, ended.EndReason);
        await Eventually(() => Task.FromResult(revocations.IsRevoked(claims) ? (object)true : null), "the revocation of the ended session");
    }

    [Fact]
    public async Task Sessions_of_one_bucket_keep_their_own_idle_ends()
    {
        using var node = await StartAsync(Repo.TempDir("session-bucket-idle"), null, Settings);
        var sessions = node.Services.GetRequiredService<ISessionService>();
        var heartbeats = node.Services.GetRequiredService<SessionHeartbeats>();
        var ids = SameBucket("ses-neighbour", 2);
        var (watched, silent) = (ids[0], ids[1]);
        Assert.IsType<SessionView>(await sessions.StartAsync(watched, Live, SessionPosition.LiveEdge));
        Assert.IsType<SessionView>(await sessions.StartAsync(silent, Live, SessionPosition.LiveEdge));

        // One keeps sending heartbeats, its neighbour in the bucket none: the neighbour ends as idle, the other plays on.
        SessionView? ended = null;
        var giveUp = DateTimeOffset.UtcNow.AddSeconds(30);
        while (ended is null)
        {
            heartbeats.Seen(watched);
            if (await sessions.GetAsync(silent) is SessionView { Phase: SessionPhase.Ended } v) ended = v;
            else await Task.Delay(50);
            Assert.True(DateTimeOffset.UtcNow < giveUp, "the silent session did not end as idle within 30 s");
        }

        Assert.Equal(SessionEndReason.Idle, ended.EndReason);
        var until = DateTimeOffset.UtcNow + Settings.IdleTimeout;
        while (DateTimeOffset.UtcNow < until)
        {
            heartbeats.Seen(watched);
            await Task.Delay(50);
        }

        Assert.Equal(SessionPhase.Playing, Assert.IsType<SessionView>(await sessions.GetAsync(watched)).Phase);
    }

    [Fact]
    public async Task A_bucket_of_many_sessions_recovers_from_its_snapshot_and_the_events_after_it()
    {
        var dataDir = Repo.TempDir("session-bucket-snapshot");
        var slow = Settings with { IdleTimeout = TimeSpan.FromMinutes(5) };
        var ids = SameBucket("ses-many", 130);
        var persistenceId = $"sessions-{SessionMessageExtractor.BucketOf(ids[0])}";
        using (var first = await StartAsync(dataDir, null, slow))
        {
            var sessions = first.Services.GetRequiredService<ISessionService>();
            // 130 starts: the 100th event is snapshotted; 30 starts and 20 stops come after it.
            foreach (var id in ids) Assert.IsType<SessionView>(await sessions.StartAsync(id, Live, SessionPosition.LiveEdge));
            foreach (var id in ids.Take(20)) Assert.IsType<SessionView>(await sessions.EndAsync(id, SessionEndReason.Stopped));
            var snapshot = await Eventually(async () => (await LatestSnapshot(first, persistenceId)).Snapshot, "the bucket's snapshot");
            Assert.Equal(100, snapshot.Metadata.SequenceNr);
            Assert.Equal(100, Assert.IsType<SessionBucketState>(snapshot.Snapshot).Sessions.Count);
            await first.StopAsync();
        }

        using var second = await StartAsync(dataDir, null, slow);
        var again = second.Services.GetRequiredService<ISessionService>();
        foreach (var (id, i) in ids.Select((id, i) => (id, i)))
        {
            var view = Assert.IsType<SessionView>(await again.GetAsync(id));
            Assert.Equal(i < 20 ? SessionPhase.Ended : SessionPhase.Playing, view.Phase);
            Assert.Equal(i < 20 ? 2L : 1L, view.Version);
        }

        // The recovered bucket goes on deciding: a stopped session stays stopped, a playing one pauses.
        Assert.Equal(SessionRejection.Ended, Assert.IsType<SessionRejected>(await again.ResumeAsync(ids[0])).Reason);
        Assert.Equal(SessionPhase.Paused, Assert.IsType<SessionView>(await again.PauseAsync(ids[^1])).Phase);
    }

    [Fact]
    public async Task An_ended_session_is_forgotten_a_token_lifetime_after_it_ended()
    {
        var settings = Settings with { IdleTimeout = TimeSpan.FromMinutes(5), TokenLifetime = TimeSpan.FromSeconds(2) };
        using var node = await StartAsync(Repo.TempDir("session-forget"), null, settings);
        var sessions = node.Services.GetRequiredService<ISessionService>();
        var ids = SameBucket("ses-forget", 2);
        Assert.IsType<SessionView>(await sessions.StartAsync(ids[0], Live, SessionPosition.LiveEdge));
        Assert.IsType<SessionView>(await sessions.StartAsync(ids[1], Live, SessionPosition.LiveEdge));
        var ended = Assert.IsType<SessionView>(await sessions.EndAsync(ids[0], SessionEndReason.Stopped));

        // Right after its end it answers as ended; once no token of it can be valid it is gone, its playing neighbour is not.
        Assert.Equal(SessionPhase.Ended, Assert.IsType<SessionView>(await sessions.GetAsync(ids[0])).Phase);
        var forgotten = await Eventually(async () => await sessions.GetAsync(ids[0]) as SessionRejected, "forgetting the ended session");
        Assert.Equal(SessionRejection.NotFound, forgotten.Reason);
        Assert.True(DateTimeOffset.UtcNow - ended.UpdatedAt >= settings.TokenLifetime);
        Assert.Equal(SessionPhase.Playing, Assert.IsType<SessionView>(await sessions.GetAsync(ids[1])).Phase);
    }

    [Fact]
    public async Task After_a_restart_a_session_nobody_asks_for_still_ends_idle_and_is_revoked()
    {
        var dataDir = Repo.TempDir("session-wake");
        var settings = Settings with { WakeEvery = TimeSpan.FromSeconds(1) };
        var id = new SessionId("ses-forgotten");
        var claims = new PlaybackClaims(id, Live.SubscriberId, Live.DeviceId, Live.Content, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddHours(1));
        using (var first = await StartAsync(dataDir, null, settings))
        {
            Assert.IsType<SessionView>(await first.Services.GetRequiredService<ISessionService>().StartAsync(id, Live, SessionPosition.LiveEdge));
            await first.StopAsync();
        }

        // The player is gone: nothing asks for the session on the restarted node. The waker starts its bucket, which ends it.
        using var second = await StartAsync(dataDir, null, settings);
        var revocations = second.Services.GetRequiredService<PlaybackRevocationList>();
        await Eventually(() => Task.FromResult(revocations.IsRevoked(claims) ? (object)true : null), "the revocation of the session nobody asked for");
        var ended = Assert.IsType<SessionView>(await second.Services.GetRequiredService<ISessionService>().GetAsync(id));
        Assert.Equal((SessionPhase.Ended, SessionEndReason.Idle), (ended.Phase, ended.EndReason));
    }

    [Fact]
    public async Task A_bucket_told_to_stop_while_it_writes_finishes_the_write_and_answers_first()
    {
        using var node = await StartAsync(Repo.TempDir("session-bucket-stop"), null, Settings);
        var system = node.Services.GetRequiredService<ActorSystem>();
        // A bucket made outside sharding, stopped as sharding stops one on hand-off: right behind a start it is writing.
        var bucket = system.ActorOf(Props.Create(() => new SessionBucketActor(Settings)), "0999");
        var id = new SessionId("ses-stopped-bucket");
        var started = bucket.Ask<ISessionReply>(new SessionCommands.StartSession(id, Live, SessionPosition.LiveEdge), TimeSpan.FromSeconds(30));
        bucket.Tell(SessionBucketActor.StopBucket.Instance);

        Assert.Equal(SessionPhase.Playing, Assert.IsType<SessionView>(await started).Phase);
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        Assert.True(await bucket.WatchAsync(limit.Token), "the bucket did not stop");
    }

    /// <summary>The first <paramref name="count"/> ids <c>{prefix}-{n}</c> that hash to the same bucket.</summary>
    private static IReadOnlyList<SessionId> SameBucket(string prefix, int count)
    {
        var bucket = SessionMessageExtractor.BucketOf(new SessionId($"{prefix}-0"));
        return Enumerable.Range(0, int.MaxValue).Select(n => new SessionId($"{prefix}-{n}"))
            .Where(id => SessionMessageExtractor.BucketOf(id) == bucket).Take(count).ToList();
    }

    private static Task<LoadSnapshotResult> LatestSnapshot(IHost node, string persistenceId) =>
        Akka.Persistence.Persistence.Instance.Apply(node.Services.GetRequiredService<ActorSystem>()).SnapshotStoreFor(null)
            .Ask<LoadSnapshotResult>(new LoadSnapshot(persistenceId, SnapshotSelectionCriteria.Latest, long.MaxValue), TimeSpan.FromSeconds(10));

    [Fact]
    public async Task A_revoked_subscriber_is_refused_for_tokens_issued_before_not_after()
    {
        using var node = await StartAsync(Repo.TempDir("session-revoke"), null, Settings);
        var sessions = node.Services.GetRequiredService<ISessionService>();
        var revocations = node.Services.GetRequiredService<PlaybackRevocationList>();
        var before = new PlaybackClaims(new SessionId("ses-a"), "acct-9", "stb-9", Live.Content, DateTimeOffset.UtcNow.AddSeconds(-10), DateTimeOffset.UtcNow.AddHours(1));

        sessions.RevokeSubscriber("acct-9", DateTimeOffset.UtcNow);

        Assert.True(revocations.IsRevoked(before));
        Assert.False(revocations.IsRevoked(before with { IssuedAt = DateTimeOffset.UtcNow.AddSeconds(2) }));
        Assert.False(revocations.IsRevoked(before with { SubscriberId = "acct-8" }));
        Assert.Throws<ArgumentException>(() => sessions.RevokeSubscriber("no/such", DateTimeOffset.UtcNow));
    }

    private static async Task<T> Eventually<T>(Func<Task<T?>> probe, string what) where T : class
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            if (await probe() is { } value) return value;
            if (limit.IsCancellationRequested) throw new TimeoutException($"{what} did not happen within 30 s");
            await Task.Delay(100, CancellationToken.None);
        }
    }

    private static async Task<IHost> StartAsync(string dataDir, string? postgres, SessionSettings settings)
    {
        var config = TestConfig.Node(dataDir, postgres);
        var roles = InspurAkkaConfig.Roles(config);
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddAkka("inspur", (akka, _) => akka.WithInspurNode(config).WithSessionActors(roles, settings));
        builder.Services.AddInspurSessions(settings);
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }
}
