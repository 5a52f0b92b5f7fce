using System.Runtime.Serialization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Akka.Actor;
using Akka.Serialization;
using Inspur.Domain.Billing;
using Inspur.Domain.Channels;
using Inspur.Domain.Epg;
using Inspur.Domain.Recordings;
using Inspur.Domain.Sessions;
using Inspur.Domain.Subscribers;

namespace Inspur.Domain.Serialization;

/// <summary>
/// The one serializer for our persisted and remote messages: System.Text.Json with an explicit, stable manifest per type,
/// so renaming a class never orphans stored events and nothing falls back to Newtonsoft.
/// </summary>
public sealed class InspurSerializer : SerializerWithStringManifest
{
    public const int SerializerId = 7301;

    /// <summary>Manifest → type. A manifest is forever: add new ones, never change or reuse one.</summary>
    public static readonly IReadOnlyDictionary<string, Type> Manifests = new Dictionary<string, Type>
    {
        ["channel-create.v1"] = typeof(ChannelCommands.CreateChannel),
        ["channel-update.v1"] = typeof(ChannelCommands.UpdateChannel),
        ["channel-get.v1"] = typeof(ChannelQueries.GetChannel),
        ["channel-created.v1"] = typeof(ChannelEvents.ChannelCreated),
        ["channel-updated.v1"] = typeof(ChannelEvents.ChannelUpdated),
        ["channel-view.v1"] = typeof(ChannelReplies.ChannelView),
        ["channel-rejected.v1"] = typeof(ChannelReplies.ChannelRejected),
        ["channel-state.v1"] = typeof(ChannelState),
        ["channel-start.v1"] = typeof(ChannelCommands.StartChannel),
        ["channel-stop.v1"] = typeof(ChannelCommands.StopChannel),
        ["channel-keep-running.v1"] = typeof(ChannelCommands.KeepRunning),
        ["channel-started.v1"] = typeof(ChannelEvents.ChannelStarted),
        ["channel-stopped.v1"] = typeof(ChannelEvents.ChannelStopped),
        ["channel-report-alarm.v1"] = typeof(ChannelCommands.ReportAlarm),
        ["channel-alarm-raised.v1"] = typeof(ChannelEvents.AlarmRaised),
        ["channel-alarm-cleared.v1"] = typeof(ChannelEvents.AlarmCleared),
        ["channel-report-phase.v1"] = typeof(ChannelCommands.ReportPhase),
        ["channel-phase-changed.v1"] = typeof(ChannelEvents.PhaseChanged),
        ["epg-import.v1"] = typeof(EpgCommands.ImportProgrammes),
        ["epg-get-schedule.v1"] = typeof(EpgQueries.GetSchedule),
        ["epg-get-now-next.v1"] = typeof(EpgQueries.GetNowNext),
        ["epg-get-programme.v1"] = typeof(EpgQueries.GetProgramme),
        ["epg-programmes-imported.v1"] = typeof(EpgEvents.ProgrammesImported),
        ["epg-import-applied.v1"] = typeof(EpgReplies.ImportApplied),
        ["epg-schedule.v1"] = typeof(EpgReplies.Schedule),
        ["epg-now-next.v1"] = typeof(EpgReplies.NowNext),
        ["epg-programme-found.v1"] = typeof(EpgReplies.ProgrammeFound),
        ["epg-rejected.v1"] = typeof(EpgReplies.EpgRejected),
        ["epg-state.v1"] = typeof(EpgState),
        ["epg-source-register.v1"] = typeof(EpgSourceProtocol.RegisterSource),
        ["epg-source-list.v1"] = typeof(EpgSourceProtocol.ListSources),
        ["epg-source-registered.v1"] = typeof(EpgSourceProtocol.SourceRegistered),
        ["epg-source-fetched.v1"] = typeof(EpgSourceProtocol.SourceFetched),
        ["epg-sources.v1"] = typeof(EpgSourceProtocol.Sources),
        ["epg-source-rejected.v1"] = typeof(EpgSourceProtocol.SourceRejected),
        ["epg-sources-state.v1"] = typeof(EpgSourcesState),
        ["recording-schedule.v1"] = typeof(RecordingCommands.ScheduleRecording),
        ["recording-cancel.v1"] = typeof(RecordingCommands.CancelRecording),
        ["recording-delete.v1"] = typeof(RecordingCommands.DeleteRecording),
        ["recording-begin.v1"] = typeof(RecordingCommands.BeginRecording),
        ["recording-begin-export.v1"] = typeof(RecordingCommands.BeginExport),
        ["recording-report-export.v1"] = typeof(RecordingCommands.ReportExport),
        ["recording-keep.v1"] = typeof(RecordingCommands.KeepRecording),
        ["recording-get.v1"] = typeof(RecordingQueries.GetRecording),
        ["recording-scheduled.v1"] = typeof(RecordingEvents.RecordingScheduled),
        ["recording-started.v1"] = typeof(RecordingEvents.RecordingStarted),
        ["recording-export-started.v1"] = typeof(RecordingEvents.ExportStarted),
        ["recording-completed.v1"] = typeof(RecordingEvents.RecordingCompleted),
        ["recording-failed.v1"] = typeof(RecordingEvents.RecordingFailed),
        ["recording-cancelled.v1"] = typeof(RecordingEvents.RecordingCancelled),
        ["recording-deleted.v1"] = typeof(RecordingEvents.RecordingDeleted),
        ["recording-view.v1"] = typeof(RecordingReplies.RecordingView),
        ["recording-rejected.v1"] = typeof(RecordingReplies.RecordingRejected),
        ["recording-state.v1"] = typeof(RecordingState),
        ["session-start.v1"] = typeof(SessionCommands.StartSession),
        ["session-pause.v1"] = typeof(SessionCommands.PauseSession),
        ["session-resume.v1"] = typeof(SessionCommands.ResumeSession),
        ["session-seek.v1"] = typeof(SessionCommands.SeekSession),
        ["session-set-rate.v1"] = typeof(SessionCommands.SetSessionRate),
        ["session-end.v1"] = typeof(SessionCommands.EndSession),
        ["session-heartbeat.v1"] = typeof(SessionCommands.SessionHeartbeat),
        ["session-get.v1"] = typeof(SessionQueries.GetSession),
        ["session-started.v1"] = typeof(SessionEvents.SessionStarted),
        ["session-paused.v1"] = typeof(SessionEvents.SessionPaused),
        ["session-resumed.v1"] = typeof(SessionEvents.SessionResumed),
        ["session-seeked.v1"] = typeof(SessionEvents.SessionSeeked),
        ["session-rate-changed.v1"] = typeof(SessionEvents.SessionRateChanged),
        ["session-ended.v1"] = typeof(SessionEvents.SessionEnded),
        ["session-view.v1"] = typeof(SessionReplies.SessionView),
        ["session-rejected.v1"] = typeof(SessionReplies.SessionRejected),
        ["session-state.v1"] = typeof(SessionState),
        ["session-bucket-state.v1"] = typeof(SessionBucketState),
        ["session-bucket-wake.v1"] = typeof(SessionCommands.WakeSessionBucket),
        ["playback-session-revoked.v1"] = typeof(PlaybackRevocations.SessionRevoked),
        ["playback-subscriber-revoked.v1"] = typeof(PlaybackRevocations.SubscriberRevoked),
        ["playback-revocations-wanted.v1"] = typeof(PlaybackRevocations.RevocationsWanted),
        ["playback-revocation-batch.v1"] = typeof(PlaybackRevocations.RevocationBatch),
        ["stream-reserve.v1"] = typeof(StreamProtocol.ReserveStream),
        ["stream-renew.v1"] = typeof(StreamProtocol.RenewStream),
        ["stream-release.v1"] = typeof(StreamProtocol.ReleaseStream),
        ["stream-granted.v1"] = typeof(StreamProtocol.StreamGranted),
        ["stream-refused.v1"] = typeof(StreamProtocol.StreamRefused),
        ["stream-list.v1"] = typeof(StreamProtocol.ListStreams),
        ["stream-listed.v1"] = typeof(StreamProtocol.StreamList),
        ["subscriber-open.v1"] = typeof(SubscriberCommands.OpenAccount),
        ["subscriber-suspend.v1"] = typeof(SubscriberCommands.SuspendAccount),
        ["subscriber-resume.v1"] = typeof(SubscriberCommands.ResumeAccount),
        ["subscriber-close.v1"] = typeof(SubscriberCommands.CloseAccount),
        ["subscriber-change-limits.v1"] = typeof(SubscriberCommands.ChangeLimits),
        ["subscriber-register-device.v1"] = typeof(SubscriberCommands.RegisterDevice),
        ["subscriber-remove-device.v1"] = typeof(SubscriberCommands.RemoveDevice),
        ["subscriber-order-product.v1"] = typeof(SubscriberCommands.OrderProduct),
        ["subscriber-cancel-product.v1"] = typeof(SubscriberCommands.CancelProduct),
        ["subscriber-get.v1"] = typeof(SubscriberQueries.GetSubscriber),
        ["subscriber-authorize.v1"] = typeof(SubscriberQueries.Authorize),
        ["subscriber-opened.v1"] = typeof(SubscriberEvents.AccountOpened),
        ["subscriber-suspended.v1"] = typeof(SubscriberEvents.AccountSuspended),
        ["subscriber-resumed.v1"] = typeof(SubscriberEvents.AccountResumed),
        ["subscriber-closed.v1"] = typeof(SubscriberEvents.AccountClosed),
        ["subscriber-limits-changed.v1"] = typeof(SubscriberEvents.LimitsChanged),
        ["subscriber-device-registered.v1"] = typeof(SubscriberEvents.DeviceRegistered),
        ["subscriber-device-removed.v1"] = typeof(SubscriberEvents.DeviceRemoved),
        ["subscriber-product-ordered.v1"] = typeof(SubscriberEvents.ProductOrdered),
        ["subscriber-product-cancelled.v1"] = typeof(SubscriberEvents.ProductCancelled),
        ["subscriber-receipt.v1"] = typeof(SubscriberReplies.SubscriberReceipt),
        ["subscriber-view.v1"] = typeof(SubscriberReplies.SubscriberView),
        ["subscriber-rejected.v1"] = typeof(SubscriberReplies.SubscriberRejected),
        ["subscriber-authorization.v1"] = typeof(SubscriberReplies.Authorization),
        ["subscriber-state.v1"] = typeof(SubscriberState),
        ["subscriber-set-credentials.v1"] = typeof(SubscriberCommands.SetCredentials),
        ["subscriber-revoke-tokens.v1"] = typeof(SubscriberCommands.RevokeTokens),
        ["subscriber-get-sign-in.v1"] = typeof(SubscriberQueries.GetSignIn),
        ["subscriber-check-access.v1"] = typeof(SubscriberQueries.CheckAccess),
        ["subscriber-credentials-set.v1"] = typeof(SubscriberEvents.CredentialsSet),
        ["subscriber-tokens-revoked.v1"] = typeof(SubscriberEvents.TokensRevoked),
        ["subscriber-sign-in-facts.v1"] = typeof(SubscriberReplies.SignInFacts),
        ["subscriber-access-check.v1"] = typeof(SubscriberReplies.AccessCheck),
        ["activation-begin.v1"] = typeof(ActivationProtocol.BeginActivation),
        ["activation-confirm.v1"] = typeof(ActivationProtocol.ConfirmActivation),
        ["activation-poll.v1"] = typeof(ActivationProtocol.PollActivation),
        ["activation-begun.v1"] = typeof(ActivationProtocol.ActivationBegun),
        ["activation-confirmed.v1"] = typeof(ActivationProtocol.ActivationConfirmed),
        ["activation-pending.v1"] = typeof(ActivationProtocol.ActivationPending),
        ["activation-slow-down.v1"] = typeof(ActivationProtocol.ActivationSlowDown),
        ["activation-redeemed.v1"] = typeof(ActivationProtocol.ActivationRedeemed),
        ["activation-refused.v1"] = typeof(ActivationProtocol.ActivationRefused),
        ["throttle-check.v1"] = typeof(ThrottleProtocol.CheckThrottle),
        ["throttle-record-failure.v1"] = typeof(ThrottleProtocol.RecordFailure),
        ["throttle-clear.v1"] = typeof(ThrottleProtocol.ClearFailures),
        ["throttle-try-attempt.v1"] = typeof(ThrottleProtocol.TryAttempt),
        ["throttle-forget-attempt.v1"] = typeof(ThrottleProtocol.ForgetAttempt),
        ["throttle-status.v1"] = typeof(ThrottleProtocol.ThrottleStatus),
        ["product-define.v1"] = typeof(ProductCatalogProtocol.DefineProduct),
        ["product-get.v1"] = typeof(ProductCatalogProtocol.GetProduct),
        ["product-list.v1"] = typeof(ProductCatalogProtocol.ListProducts),
        ["product-defined.v1"] = typeof(ProductCatalogProtocol.ProductDefined),
        ["product-receipt.v1"] = typeof(ProductCatalogProtocol.ProductReceipt),
        ["product-found.v1"] = typeof(ProductCatalogProtocol.ProductFound),
        ["product-products.v1"] = typeof(ProductCatalogProtocol.ProductList),
        ["product-rejected.v1"] = typeof(ProductCatalogProtocol.ProductRejected),
        ["product-catalog-state.v1"] = typeof(ProductCatalogState),
        ["subscriber-get-entitlements.v1"] = typeof(SubscriberQueries.GetEntitlements),
        ["subscriber-entitlements.v1"] = typeof(Entitlements),
        ["billing-records-enqueued.v1"] = typeof(BillingOutboxProtocol.RecordsEnqueued),
        ["billing-record-acknowledged.v1"] = typeof(BillingOutboxProtocol.RecordAcknowledged),
        ["billing-record-rejected.v1"] = typeof(BillingOutboxProtocol.RecordRejected),
        ["billing-delivery-failed.v1"] = typeof(BillingOutboxProtocol.DeliveryFailed),
        ["billing-get-reconciliation.v1"] = typeof(BillingOutboxProtocol.GetReconciliation),
        ["billing-reconciliation.v1"] = typeof(BillingOutboxProtocol.Reconciliation),
        ["billing-outbox-state.v1"] = typeof(BillingOutboxState),
    };

    private static readonly Dictionary<Type, string> ManifestByType = Manifests.ToDictionary(kv => kv.Value, kv => kv.Key);

    public static readonly JsonSerializerOptions JsonOptions = CreateOptions();

    public InspurSerializer(ExtendedActorSystem system) : base(system)
    {
    }

    public override int Identifier => SerializerId;

    public override string Manifest(object o) =>
        ManifestByType.TryGetValue(o.GetType(), out var manifest)
            ? manifest
            : throw new SerializationException($"{o.GetType().FullName} has no manifest in {nameof(InspurSerializer)}.{nameof(Manifests)}");

    public override byte[] ToBinary(object obj)
    {
        Manifest(obj);
        return JsonSerializer.SerializeToUtf8Bytes(obj, obj.GetType(), JsonOptions);
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        if (!Manifests.TryGetValue(manifest, out var type))
            throw new SerializationException($"unknown manifest '{manifest}' for {nameof(InspurSerializer)}");
        return JsonSerializer.Deserialize(bytes, type, JsonOptions)
               ?? throw new SerializationException($"null payload for manifest '{manifest}'");
    }

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        options.Converters.Add(new StringIdConverter<ChannelId>(v => new ChannelId(v), id => id.Value, "channel id"));
        options.Converters.Add(new StringIdConverter<RecordingId>(v => new RecordingId(v), id => id.Value, "recording id"));
        options.Converters.Add(new StringIdConverter<SessionId>(v => new SessionId(v), id => id.Value, "session id"));
        options.Converters.Add(new StringIdConverter<SubscriberId>(v => new SubscriberId(v), id => id.Value, "subscriber id"));
        options.Converters.Add(new StringIdConverter<ProductId>(v => new ProductId(v), id => id.Value, "product id"));
        options.Converters.Add(new JsonStringEnumConverter());
        return options;
    }

    /// <summary>A typed id written as its string.</summary>
    private sealed class StringIdConverter<T>(Func<string, T> create, Func<T, string> text, string what) : JsonConverter<T>
    {
        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            create(reader.GetString() ?? throw new JsonException($"{what} must be a string"));

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => writer.WriteStringValue(text(value));
    }
}
