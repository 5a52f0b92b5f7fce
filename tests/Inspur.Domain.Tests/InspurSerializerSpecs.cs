using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Configuration;
using Inspur.Domain.Billing;
using Inspur.Domain.Channels;
using Inspur.Domain.Epg;
using Inspur.Domain.Recordings;
using Inspur.Domain.Serialization;
using Inspur.Domain.Sessions;
using Inspur.Domain.Subscribers;
using static Inspur.Domain.Channels.ChannelCommands;
using static Inspur.Domain.Channels.ChannelEvents;
using static Inspur.Domain.Channels.ChannelQueries;
using static Inspur.Domain.Channels.ChannelReplies;

namespace Inspur.Domain.Tests;

/// <summary>Every persisted and remote message survives a round trip through the serializer Akka picks for it.</summary>
public sealed class InspurSerializerSpecs : IDisposable
{
    private static readonly ChannelId Id = new("cctv-1");
    private static readonly ChannelConfig Config = new("CCTV 1 综合", 1);
    private static readonly DateTimeOffset At = new(2026, 11, 24, 12, 30, 15, 123, TimeSpan.FromHours(8));

    private static readonly ChannelConfig Full = Config with
    {
        Source = "srt://10.0.0.1:9000?mode=caller&latency=200",
        BackupSource = "http://10.0.0.2/live.ts",
        LowLatency = true,
        Logo = "https://img.example/cctv1.png",
        Genre = "News",
        ArchiveHours = 168,
        Transcode = new TranscodeSettings([new LadderRung("720p", 1280, 720, 3000), new LadderRung("360p", 640, 360, 700, 96) { Profile = "main" }]) { FrameRate = 29.97 },
    };

    private static readonly Programme Show = new(Id, At.ToUniversalTime(), At.ToUniversalTime().AddMinutes(30), "新闻联播")
    {
        SubTitle = "第一集",
        Description = "要闻",
        Category = "News",
        EpisodeNum = "S1E1",
        Rating = "G",
        Icon = "https://img.example/n.png",
    };

    private static readonly ImportReport Report = ImportReport.Of(false, 1, 1,
        [new ImportIssue(IssueSeverity.Error, IssueKinds.Overlap, 12, 3, "overlaps") { Channel = "cctv-1" }]);

    private static readonly EpgChannelMap Map = new(new Dictionary<string, ChannelId> { ["CCTV1.cn"] = Id });

    /// <summary>One sample per message type; <see cref="Every_message_type_has_a_sample"/> keeps this complete.</summary>
    private static readonly RecordingId Rec = new("rec-0123456789abcdef0123");
    private static readonly RecordingRequest Request = new(Id, "main", At, At.AddMinutes(30)) { Title = "新闻联播", ProgrammeId = "cctv-1-1795487415" };
    private static readonly RecordingFiles Files = new(900, 123_456_789, TimeSpan.FromMinutes(30), At, [new RecordingGap(At.AddMinutes(1), At.AddMinutes(2))]);

    private static readonly SessionId Ses = new("ses-0123456789abcdef0123");
    private static readonly SessionStart Watch = new("acct-1001", "00:1A:2B:3C:4D:5E", PlaybackContent.Live(Id));
    private static readonly SessionPosition Behind = SessionPosition.Live(TimeSpan.FromSeconds(12.5));
    private static readonly SessionPosition Programme = SessionPosition.Archive(At);
    private static readonly SubscriberId Sub = new("boss-0001");
    private static readonly ProductId Pkg = new("basic-pkg");
    private static readonly ProductDefinition Package = new(ProductKind.Package, "基本包", 3000, "CNY") { Channels = [Id, new ChannelId("cctv-2")] };
    private static readonly ProductDefinition Rental = new(ProductKind.Tvod, "Film", 500, "CNY") { TitleId = "film-1", ValidityHours = 48 };
    private static readonly SubscriberLimits Limits = new(5, 2);
    private static readonly Device Stb = new("stb-1", DeviceKind.Stb, At) { Mac = "00:1a:2b:3c:4d:5e", Serial = "SN1", Name = "Living room" };
    private static readonly Order Ordered = new(Pkg, Package, At, null, At);
    private static readonly IdempotencyLog Log = IdempotencyLog.Empty.Add(new ProcessedRequest("k-1", new string('a', 64), 1, At));
    private static readonly CredentialHash Hashed = new("c2FsdHNhbHRzYWx0c2FsdA==", "aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g=", CredentialHash.DefaultIterations);

    public static readonly IReadOnlyList<IInspurMessage> Samples =
    [
        new CreateChannel(Id, Config),
        new UpdateChannel(Id, Config with { Number = 2 }),
        new GetChannel(Id),
        new ChannelCreated(Id, Config, At),
        new ChannelUpdated(Id, Config, At),
        new ChannelView(Id, Config, 7, At, At.AddDays(1)),
        new ChannelRejected(Id, ChannelRejection.AlreadyExists, "channel 'cctv-1' already exists"),
        new ChannelState(Id, Config, 3, At, At),
        ChannelState.Empty(Id),
        new ChannelState(Id, Config with { Source = "udp://239.1.1.1:5000?iface=10.0.0.5", LowLatency = true }, 9, At, At, Running: true),
        new StartChannel(Id),
        new StopChannel(Id, "maintenance"),
        new KeepRunning(Id),
        new ChannelStarted(Id, At),
        new ChannelStopped(Id, "source gone", At),
        new ChannelView(Id, Config with { Source = "udp://127.0.0.1:5000" }, 3, At, At, Running: true),
        new ReportAlarm(Id, AlarmKinds.NoInput, "no bytes for 5 s"),
        new AlarmRaised(Id, AlarmKinds.NoInput, "no bytes for 5 s", At),
        new AlarmCleared(Id, AlarmKinds.NoInput, At),
        new ChannelState(Id, Config, 4, At, At, true, [new ChannelAlarm(AlarmKinds.NoInput, "no bytes", At)]),
        new ReportPhase(Id, ChannelPhase.Degraded, "on-backup"),
        new PhaseChanged(Id, ChannelPhase.Failed, "no segment for 9 s", At),
        new ChannelState(Id, Full, 12, At, At, Running: true) { Phase = ChannelPhase.Live },
        new ChannelView(Id, Full, 12, At, At, Running: true) { Phase = ChannelPhase.Degraded, PhaseReason = "on-backup" },
        new EpgCommands.ImportProgrammes(Id, [Show], "upload", At),
        new EpgQueries.GetSchedule(Id, At, At.AddDays(1)),
        new EpgQueries.GetNowNext(Id, At),
        new EpgQueries.GetProgramme(Id, Show.Id),
        new EpgEvents.ProgrammesImported(Id, Show.Start, Show.Stop, [Show, Show with { Start = Show.Stop, Stop = Show.Stop.AddHours(1), Title = "天气" }], "http://epg/x.xml", At),
        new EpgReplies.ImportApplied(Id, Show.Start, Show.Stop, 1, true, 3) { Event = new EpgEvents.ProgrammesImported(Id, Show.Start, Show.Stop, [Show], "upload", At) },
        new EpgReplies.ImportApplied(Id, default, default, 1, false, 3),
        new EpgReplies.Schedule(Id, At, At.AddDays(1), [Show]),
        new EpgReplies.NowNext(Id, At, Show, null),
        new EpgReplies.ProgrammeFound(Show),
        new EpgReplies.EpgRejected(Id, EpgRejection.NotFound, "no programme"),
        new EpgState(Id, [Show], 4, At, "upload"),
        EpgState.Empty(Id),
        new EpgSourceProtocol.RegisterSource("http://epg.example/cn.xml", 60, Map),
        EpgSourceProtocol.ListSources.Instance,
        new EpgSourceProtocol.SourceRegistered("http://epg.example/cn.xml", 60, EpgChannelMap.Identity, At),
        new EpgSourceProtocol.SourceFetched("http://epg.example/cn.xml", At, null, Report),
        new EpgSourceProtocol.SourceFetched("http://epg.example/cn.xml", At, "HTTP 404", null),
        new EpgSourceProtocol.Sources([new EpgSource("http://epg.example/cn.xml", 60, Map, At) { LastFetchAt = At, LastReport = Report }]),
        new EpgSourceProtocol.SourceRejected("url", "url must be http(s)"),
        new EpgSourcesState([new EpgSource("http://epg.example/cn.xml", 60, Map, At) { LastError = "timeout" }]),
        new RecordingCommands.ScheduleRecording(Rec, Request),
        new RecordingCommands.ScheduleRecording(Rec, new RecordingRequest(Id, "720p", At, At.AddMinutes(1))),
        new RecordingCommands.CancelRecording(Rec),
        new RecordingCommands.DeleteRecording(Rec),
        new RecordingCommands.BeginRecording(Rec),
        new RecordingCommands.BeginExport(Rec),
        new RecordingCommands.ReportExport(Rec, Files, null),
        new RecordingCommands.ReportExport(Rec, null, "nothing archived"),
        new RecordingCommands.KeepRecording(Rec),
        new RecordingQueries.GetRecording(Rec),
        new RecordingEvents.RecordingScheduled(Rec, Request, At),
        new RecordingEvents.RecordingStarted(Rec, At),
        new RecordingEvents.ExportStarted(Rec, At),
        new RecordingEvents.RecordingCompleted(Rec, Files, At),
        new RecordingEvents.RecordingFailed(Rec, "nothing archived", At),
        new RecordingEvents.RecordingCancelled(Rec, At),
        new RecordingEvents.RecordingDeleted(Rec, At),
        new RecordingReplies.RecordingView(Rec, Request, RecordingPhase.Completed, 4, At, At) { Files = Files },
        new RecordingReplies.RecordingView(Rec, Request, RecordingPhase.Failed, 4, At, At) { Reason = "nothing archived" },
        new RecordingReplies.RecordingRejected(Rec, RecordingRejection.AlreadyExists, "taken"),
        new RecordingState(Rec, Request, RecordingPhase.Completed, 4, At, At) { Files = Files },
        RecordingState.Empty(Rec),
        new SessionCommands.StartSession(Ses, Watch, SessionPosition.LiveEdge),
        new SessionCommands.StartSession(Ses, Watch with { Content = PlaybackContent.Archive(Id) }, Programme),
        new SessionCommands.PauseSession(Ses),
        new SessionCommands.ResumeSession(Ses),
        new SessionCommands.SeekSession(Ses, Behind),
        new SessionCommands.SetSessionRate(Ses, -4),
        new SessionCommands.EndSession(Ses, SessionEndReason.Revoked),
        new SessionCommands.SessionHeartbeat(Ses, At),
        new SessionQueries.GetSession(Ses),
        new SessionEvents.SessionStarted(Ses, Watch, Behind, At),
        new SessionEvents.SessionPaused(Ses, Programme, At),
        new SessionEvents.SessionResumed(Ses, At),
        new SessionEvents.SessionSeeked(Ses, Programme, At),
        new SessionEvents.SessionRateChanged(Ses, 8, Behind, At),
        new SessionEvents.SessionEnded(Ses, SessionEndReason.Idle, Behind, At),
        new SessionReplies.SessionView(Ses, Watch, SessionPhase.Paused, Behind, 1, 3, At, At, At) { LastSeen = At },
        new SessionReplies.SessionView(Ses, Watch, SessionPhase.Ended, Programme, 2, 5, At, At, At) { EndReason = SessionEndReason.Kicked },
        new SessionReplies.SessionRejected(Ses, SessionRejection.Ended, "session has ended"),
        new SessionState(Ses, Watch, SessionPhase.Paused, Behind, 2, At, 4, At, At),
        new SessionState(Ses, Watch, SessionPhase.Ended, Programme, 1, At, 5, At, At) { EndReason = SessionEndReason.Stopped },
        SessionState.Empty(Ses),
        new SessionCommands.WakeSessionBucket("0421"),
        new SessionBucketState([new SessionState(Ses, Watch, SessionPhase.Paused, Behind, 2, At, 4, At, At)]),
        new PlaybackRevocations.SessionRevoked(Ses, At),
        new PlaybackRevocations.SubscriberRevoked("acct-1001", At),
        PlaybackRevocations.RevocationsWanted.Instance,
        new PlaybackRevocations.RevocationBatch([new PlaybackRevocations.SessionRevoked(Ses, At)], [new PlaybackRevocations.SubscriberRevoked("acct-1001", At)]),
        new StreamProtocol.ReserveStream("acct-1001", Ses, 2, At),
        new StreamProtocol.RenewStream("acct-1001", Ses, At),
        new StreamProtocol.ReleaseStream("acct-1001", Ses),
        new StreamProtocol.StreamGranted(Ses),
        new StreamProtocol.StreamRefused(2, [Ses, new SessionId("ses-00000000000000000001")]),
        new StreamProtocol.ListStreams("acct-1001"),
        new StreamProtocol.StreamList("acct-1001", [Ses]),
        new SubscriberCommands.OpenAccount(Sub, "k-1", "李雷", Limits),
        new SubscriberCommands.SuspendAccount(Sub, "k-2", "unpaid"),
        new SubscriberCommands.ResumeAccount(Sub, "k-3"),
        new SubscriberCommands.CloseAccount(Sub, "k-4", null),
        new SubscriberCommands.ChangeLimits(Sub, "k-5", new SubscriberLimits(3, 1)),
        new SubscriberCommands.RegisterDevice(Sub, "k-6", "stb-1", DeviceKind.Stb, "00:1A:2B:3C:4D:5E", "SN1", "Living room"),
        new SubscriberCommands.RemoveDevice(Sub, "k-7", "stb-1"),
        new SubscriberCommands.OrderProduct(Sub, "k-8", Pkg, At, null, Package),
        new SubscriberCommands.OrderProduct(Sub, "k-8", Pkg, null, At.AddDays(30), null),
        new SubscriberCommands.CancelProduct(Sub, "k-9", Pkg, At),
        new SubscriberQueries.GetSubscriber(Sub),
        new SubscriberQueries.Authorize(Sub, Id, At),
        new SubscriberEvents.AccountOpened(Sub, "李雷", Limits, "k-1", "f1", At),
        new SubscriberEvents.AccountSuspended(Sub, "unpaid", "k-2", "f2", At),
        new SubscriberEvents.AccountResumed(Sub, "k-3", "f3", At),
        new SubscriberEvents.AccountClosed(Sub, "moved away", "k-4", "f4", At),
        new SubscriberEvents.LimitsChanged(Sub, Limits, "k-5", "f5", At),
        new SubscriberEvents.DeviceRegistered(Sub, Stb, "k-6", "f6", At),
        new SubscriberEvents.DeviceRemoved(Sub, "stb-1", "k-7", "f7", At),
        new SubscriberEvents.ProductOrdered(Sub, Ordered, "k-8", "f8", At),
        new SubscriberEvents.ProductOrdered(Sub, new Order(new ProductId("film-1-48h"), Rental, At, At.AddHours(48), At) { CancelledAt = At }, "k-8", "f8", At),
        new SubscriberEvents.ProductCancelled(Sub, Pkg, At, "k-9", "f9", At),
        new SubscriberReplies.SubscriberReceipt(Sub, 3, At, true),
        new SubscriberReplies.SubscriberView(Sub, "李雷", SubscriberStatus.Suspended, Limits, [Stb], [Ordered], 4, At, At) { StatusReason = "unpaid" },
        new SubscriberReplies.SubscriberRejected(Sub, SubscriberRejection.IdempotencyMismatch, "reused"),
        new SubscriberReplies.Authorization(Sub, Id, At, null) { Via = Pkg, StreamLimit = 2 },
        new SubscriberReplies.Authorization(Sub, Id, At, AuthorizationDenial.Suspended),
        new SubscriberState(Sub, "李雷", SubscriberStatus.Active, Limits, [Stb], [Ordered], Log, 1, At, At),
        SubscriberState.Empty(Sub),
        new SubscriberState(Sub, "李雷", SubscriberStatus.Active, Limits, [Stb], [], Log, 3, At, At) { Password = Hashed, Pin = Hashed, TokensValidFrom = At },
        new SubscriberCommands.OpenAccount(Sub, "k-1", "李雷", Limits) { Password = Hashed, Pin = null },
        new SubscriberCommands.SetCredentials(Sub, "k-10", null, Hashed),
        new SubscriberCommands.RevokeTokens(Sub, "k-11", "signed out on stb-1"),
        new SubscriberQueries.GetSignIn(Sub),
        new SubscriberQueries.CheckAccess(Sub, "stb-1", At),
        new SubscriberEvents.AccountOpened(Sub, "李雷", Limits, "k-1", "f1", At) { Password = Hashed },
        new SubscriberEvents.CredentialsSet(Sub, Hashed, null, "k-10", "f10", At),
        new SubscriberEvents.TokensRevoked(Sub, "lost phone", "k-11", "f11", At),
        new SubscriberReplies.SignInFacts(Sub, true, SubscriberStatus.Active, Hashed, null, [Stb], 5, At),
        new SubscriberReplies.SignInFacts(Sub, false, SubscriberStatus.Active, null, null, [], 1, null),
        new SubscriberReplies.AccessCheck(Sub, null),
        new SubscriberReplies.AccessCheck(Sub, AccessDenial.TokenRevoked),
        new ProductCatalogProtocol.DefineProduct(Pkg, Package, "k-10"),
        new ProductCatalogProtocol.GetProduct(Pkg),
        ProductCatalogProtocol.ListProducts.Instance,
        new ProductCatalogProtocol.ProductDefined(Pkg, Rental, "k-10", "f10", At),
        new ProductCatalogProtocol.ProductReceipt(Pkg, 1, At, false),
        new ProductCatalogProtocol.ProductFound(new Product(Pkg, Package, 1, At)),
        new ProductCatalogProtocol.ProductList([new Product(Pkg, Package, 1, At)]),
        new ProductCatalogProtocol.ProductRejected(Pkg, SubscriberRejection.NotFound, "no such product"),
        new ProductCatalogState([new Product(Pkg, Package, 1, At)], Log, 1),
        ProductCatalogState.Empty,
        new SubscriberQueries.GetEntitlements(Sub, At),
        new Entitlements(Sub, At, SubscriberStatus.Active, [new Grant("cctv-1", Pkg, At, null)], [new Grant("films", new ProductId("films-svod"), At, At.AddDays(30))],
            [new Grant("film-1", new ProductId("film-1-rent"), At, At.AddHours(48))]),
        new BillingOutboxProtocol.RecordsEnqueued([Billed, Billed with { Id = "subscriber-boss-0001:3", Kind = BillingKind.ProductCancelled, Price = null }], 42, At),
        new BillingOutboxProtocol.RecordAcknowledged(Billed.Id, 202, At),
        new BillingOutboxProtocol.RecordRejected(Billed.Id, "HTTP 400: unknown product", At),
        new BillingOutboxProtocol.DeliveryFailed(Billed.Id, "connection refused", At, At.AddSeconds(4)),
        new BillingOutboxProtocol.GetReconciliation(At),
        new BillingOutboxProtocol.GetReconciliation(null),
        new BillingOutboxProtocol.Reconciliation(At, null, 1, 0, 3, 42, [new OutboxEntry(Billed, 1, DeliveryStatus.Pending, 2) { NextAttemptAt = At, LastError = "HTTP 503" }]),
        BillingOutboxState.Empty.Apply(new BillingOutboxProtocol.RecordsEnqueued([Billed], 42, At)),
        BillingOutboxState.Empty,
        new ActivationProtocol.BeginActivation("K7PMQ4XD", new string('a', 32), new ActivationDevice("stb-1", DeviceKind.Stb, "00:1a:2b:3c:4d:5e", "SN1", "客厅"), At,
            TimeSpan.FromSeconds(5)),
        new ActivationProtocol.ConfirmActivation("K7PMQ4XD", Sub, "k-12"),
        new ActivationProtocol.PollActivation("K7PMQ4XD", new string('a', 32)),
        new ActivationProtocol.ActivationBegun("K7PMQ4XD", At),
        new ActivationProtocol.ActivationConfirmed("K7PMQ4XD", Sub, "stb-1", false),
        new ActivationProtocol.ActivationPending("K7PMQ4XD"),
        new ActivationProtocol.ActivationSlowDown("K7PMQ4XD", TimeSpan.FromMilliseconds(1500)),
        new ActivationProtocol.ActivationRedeemed("K7PMQ4XD", Sub, new ActivationDevice("stb-1", DeviceKind.Stb, null, "SN1", null)),
        new ActivationProtocol.ActivationRefused("K7PMQ4XD", ActivationRefusal.DeviceRefused, "the device limit of 1 is reached") { ByAccount = SubscriberRejection.Conflict },
        new ThrottleProtocol.CheckThrottle("sign-in-boss-0001", new ThrottleLimit(5, TimeSpan.FromMinutes(15))),
        new ThrottleProtocol.RecordFailure("sign-in-boss-0001", new ThrottleLimit(5, TimeSpan.FromMinutes(15))),
        new ThrottleProtocol.ClearFailures("sign-in-boss-0001"),
        new ThrottleProtocol.TryAttempt("sign-in-boss-0001", new ThrottleLimit(5, TimeSpan.FromMinutes(15))),
        new ThrottleProtocol.ForgetAttempt("activation-boss-0001"),
        new ThrottleProtocol.ThrottleStatus("sign-in-boss-0001", 5, TimeSpan.FromSeconds(899)),
    ];

    private static BillingRecord Billed => new("subscriber-boss-0001:2", BillingKind.TvodPurchase, Sub, new ProductId("film-1-rent"), At)
    {
        ProductKind = ProductKind.Tvod,
        ProductName = "Film",
        Price = 500,
        Currency = "CNY",
        TitleId = "film-1",
        EffectiveFrom = At,
        EffectiveUntil = At.AddHours(48),
    };


    public static TheoryData<int> SampleIndexes() => new(Enumerable.Range(0, Samples.Count));

    private readonly ActorSystem _system = ActorSystem.Create("serializer-specs", LoadAkkaConf());

    [Theory]
    [MemberData(nameof(SampleIndexes))]
    public void Round_trips_through_the_serializer_akka_binds(int index)
    {
        var message = Samples[index];
        var serializer = _system.Serialization.FindSerializerFor(message);
        Assert.IsType<InspurSerializer>(serializer);

        var manifest = Akka.Serialization.Serialization.ManifestFor(serializer, message);
        var bytes = serializer.ToBinary(message);
        var back = _system.Serialization.Deserialize(bytes, serializer.Identifier, manifest);

        // Records holding lists compare those by reference, so the round trip is checked on the bytes it gives again.
        Assert.Equal(message.GetType(), back.GetType());
        Assert.Equal(bytes, serializer.ToBinary(back));
        if (message is not (ChannelState { Alarms: not null } or EpgCommands.ImportProgrammes or EpgReplies.ImportApplied { Event: not null } or EpgEvents.ProgrammesImported or EpgReplies.Schedule or EpgState
                or EpgSourceProtocol.SourceFetched { Report: not null } or EpgSourceProtocol.Sources or EpgSourcesState
                or RecordingCommands.ReportExport { Files: not null } or RecordingEvents.RecordingCompleted or RecordingReplies.RecordingView { Files: not null } or RecordingState { Files: not null }
                or SubscriberCommands.OrderProduct { Product: not null } or SubscriberEvents.ProductOrdered or SubscriberReplies.SubscriberView or SubscriberState
                or SubscriberReplies.SignInFacts
                or ProductCatalogProtocol.DefineProduct or ProductCatalogProtocol.ProductDefined or ProductCatalogProtocol.ProductFound
                or ProductCatalogProtocol.ProductList or ProductCatalogState or StreamProtocol.StreamRefused or StreamProtocol.StreamList
                or Entitlements or BillingOutboxProtocol.RecordsEnqueued or BillingOutboxProtocol.Reconciliation or BillingOutboxState
                or PlaybackRevocations.RevocationBatch or SessionBucketState)) Assert.Equal(message, back);
    }

    [Fact]
    public void Every_message_type_has_a_manifest_and_a_sample()
    {
        var types = typeof(IInspurMessage).Assembly.GetTypes()
            .Where(t => typeof(IInspurMessage).IsAssignableFrom(t) && t is { IsInterface: false, IsAbstract: false })
            .ToHashSet();

        Assert.Equal(types.OrderBy(t => t.FullName), InspurSerializer.Manifests.Values.OrderBy(t => t.FullName));
        Assert.Equal(types.OrderBy(t => t.FullName), Samples.Select(s => s.GetType()).Distinct().OrderBy(t => t.FullName));
    }

    [Fact]
    public void Every_message_type_has_a_sample()
    {
        Assert.All(InspurSerializer.Manifests.Values, type => Assert.Contains(Samples, s => s.GetType() == type));
    }

    [Fact]
    public void Manifests_are_stable_strings_not_type_names()
    {
        var serializer = new InspurSerializer((ExtendedActorSystem)_system);

        Assert.Equal("channel-created.v1", serializer.Manifest(Samples[3]));
        Assert.All(InspurSerializer.Manifests.Keys, m => Assert.DoesNotContain("Inspur.", m));
    }

    [Fact]
    public void The_payload_is_plain_json_with_ids_as_strings()
    {
        var serializer = new InspurSerializer((ExtendedActorSystem)_system);

        var json = System.Text.Encoding.UTF8.GetString(serializer.ToBinary(new ChannelCreated(Id, Config, At)));

        Assert.Contains("\"channelId\":\"cctv-1\"", json);
        Assert.DoesNotContain("$type", json);
    }

    [Fact]
    public void An_unknown_manifest_is_an_error_not_a_guess()
    {
        var serializer = new InspurSerializer((ExtendedActorSystem)_system);

        var error = Assert.Throws<SerializationException>(() => serializer.FromBinary("{}"u8.ToArray(), "no-such.v1"));
        Assert.Contains("no-such.v1", error.Message);
    }

    [Fact]
    public void A_type_without_a_manifest_is_refused()
    {
        var serializer = new InspurSerializer((ExtendedActorSystem)_system);

        Assert.Throws<SerializationException>(() => serializer.ToBinary(new UnregisteredMessage()));
    }

    [Fact]
    public void Corrupt_bytes_fail_loudly()
    {
        var serializer = new InspurSerializer((ExtendedActorSystem)_system);

        Assert.ThrowsAny<Exception>(() => serializer.FromBinary("not json"u8.ToArray(), "channel-created.v1"));
    }

    public void Dispose() => _system.Terminate().Wait(TimeSpan.FromSeconds(10));

    /// <summary>The real <c>hocon/akka.conf</c>, so the serializer binding under test is the one the host uses.</summary>
    private static Config LoadAkkaConf()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "hocon", "akka.conf");
            if (File.Exists(path))
                return ConfigurationFactory.ParseString("akka.actor.provider = local\nakka.remote.dot-netty.tcp.port = 0")
                    .WithFallback(ConfigurationFactory.ParseString(File.ReadAllText(path)));
        }

        throw new FileNotFoundException("hocon/akka.conf not found above the test folder");
    }

    private sealed record UnregisteredMessage : IInspurMessage;
}
