using Inspur.Domain.Channels;
using Inspur.Domain.Recordings;
using static Inspur.Domain.Recordings.RecordingCommands;
using static Inspur.Domain.Recordings.RecordingEvents;

namespace Inspur.Domain.Tests;

public sealed class RecordingStateSpecs
{
    private static readonly RecordingId Id = new("rec-1");
    private static readonly ChannelId Channel = new("cctv-1");
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);
    private static readonly RecordingRequest Request = new(Channel, "main", Now.AddMinutes(1), Now.AddMinutes(31)) { Title = "News" };
    private static readonly RecordingFiles Files = new(900, 1000, TimeSpan.FromMinutes(30), Request.From, []);

    private static RecordingState Run(RecordingState state, DateTimeOffset at, params IRecordingCommand[] commands)
    {
        foreach (var command in commands)
        {
            var (events, rejection) = state.Process(command, at);
            Assert.Null(rejection);
            state = events.Aggregate(state, (s, e) => s.Apply(e));
        }

        return state;
    }

    private static RecordingState Scheduled() => Run(RecordingState.Empty(Id), Now, new ScheduleRecording(Id, Request));

    private static RecordingState Exporting() =>
        Run(Scheduled(), Request.To, new BeginRecording(Id), new BeginExport(Id));

    [Fact]
    public void A_recording_goes_scheduled_recording_exporting_completed()
    {
        var state = Scheduled();
        Assert.Equal((RecordingPhase.Scheduled, 1L), (state.Phase, state.Version));
        state = Run(state, Request.From, new BeginRecording(Id));
        Assert.Equal(RecordingPhase.Recording, state.Phase);
        state = Run(state, Request.To, new BeginExport(Id));
        Assert.Equal(RecordingPhase.Exporting, state.Phase);
        state = Run(state, Request.To, new ReportExport(Id, Files, null));
        Assert.Equal((RecordingPhase.Completed, 4L), (state.Phase, state.Version));
        Assert.Equal(Files, state.View()!.Files);
        Assert.False(state.UnderWay);
    }

    [Fact]
    public void An_export_without_files_fails_with_its_reason()
    {
        var state = Run(Exporting(), Request.To, new ReportExport(Id, null, "nothing archived in [..)"));

        Assert.Equal((RecordingPhase.Failed, "nothing archived in [..)"), (state.Phase, state.Reason));
    }

    [Fact]
    public void Timers_that_fire_early_and_reports_after_a_cancel_change_nothing()
    {
        var scheduled = Scheduled();
        Assert.Empty(scheduled.Process(new BeginRecording(Id), Now).Events);
        Assert.Empty(scheduled.Process(new BeginExport(Id), Request.To).Events);
        var recording = Run(scheduled, Request.From, new BeginRecording(Id));
        Assert.Empty(recording.Process(new BeginExport(Id), Request.To.AddSeconds(-1)).Events);

        var cancelled = Run(Exporting(), Request.To, new CancelRecording(Id));
        Assert.Equal(RecordingPhase.Cancelled, cancelled.Phase);
        var (events, rejection) = cancelled.Process(new ReportExport(Id, Files, null), Request.To);
        Assert.Null(rejection);
        Assert.Empty(events);
        Assert.Empty(cancelled.Process(new CancelRecording(Id), Now).Events);
    }

    [Fact]
    public void Delete_removes_the_view_and_keeps_the_id_taken()
    {
        var completed = Run(Exporting(), Request.To, new ReportExport(Id, Files, null));
        var deleted = Run(completed, Now, new DeleteRecording(Id));

        Assert.Equal(RecordingPhase.Deleted, deleted.Phase);
        Assert.Null(deleted.View());
        Assert.Equal(RecordingRejection.NotFound, deleted.Process(new DeleteRecording(Id), Now).Rejection!.Reason);
        Assert.Equal(RecordingRejection.NotFound, deleted.Process(new CancelRecording(Id), Now).Rejection!.Reason);
        Assert.Equal(RecordingRejection.AlreadyExists, deleted.Process(new ScheduleRecording(Id, Request), Now).Rejection!.Reason);
    }

    [Fact]
    public void Rejections()
    {
        var empty = RecordingState.Empty(Id);
        Assert.Equal(RecordingRejection.AlreadyExists, Scheduled().Process(new ScheduleRecording(Id, Request), Now).Rejection!.Reason);
        Assert.Equal(RecordingRejection.Invalid, Run(Exporting(), Now, new ReportExport(Id, Files, null)).Process(new CancelRecording(Id), Now).Rejection!.Reason);
        Assert.Equal(RecordingRejection.Invalid, empty.Process(new ScheduleRecording(new RecordingId("rec-2"), Request), Now).Rejection!.Reason);
        foreach (var command in new IRecordingCommand[] { new CancelRecording(Id), new DeleteRecording(Id), new BeginRecording(Id), new BeginExport(Id), new ReportExport(Id, null, "x") })
            Assert.Equal(RecordingRejection.NotFound, empty.Process(command, Now).Rejection!.Reason);

        foreach (var (bad, field) in new (RecordingRequest, string)[]
                 {
                     (Request with { To = Request.From }, "to"),
                     (Request with { To = Request.From.AddSeconds(-1) }, "to"),
                     (Request with { To = Request.From + TimeSpan.FromHours(12) + TimeSpan.FromSeconds(1) }, "to"),
                     (Request with { From = Now.AddDays(32), To = Now.AddDays(32).AddHours(1) }, "from"),
                     (Request with { From = DateTimeOffset.UnixEpoch.AddSeconds(-10) }, "from"),
                     (Request with { Rendition = "../x" }, "rendition"),
                     (Request with { Rendition = "" }, "rendition"),
                     (Request with { ChannelId = new ChannelId("../etc") }, "channel"),
                     (Request with { Title = new string('t', 201) }, "title"),
                     (Request with { Title = "a\nb" }, "title"),
                     (Request with { ProgrammeId = "../../x" }, "programmeId"),
                 })
        {
            Assert.Equal(field, RecordingState.Validate(bad, Now)!.Field);
            var (events, rejection) = empty.Process(new ScheduleRecording(Id, bad), Now);
            Assert.Empty(events);
            Assert.Equal(RecordingRejection.Invalid, rejection!.Reason);
        }

        Assert.Null(RecordingState.Validate(Request with { To = Request.From + TimeSpan.FromHours(12) }, Now));
    }

    [Fact]
    public void Ids_are_path_safe()
    {
        Assert.True(RecordingId.IsValid(RecordingId.New().Value));
        Assert.StartsWith("rec-", RecordingId.New().Value);
        foreach (var bad in new[] { "", "..", "../x", "a/b", "A", "-x", "a b", "a\0", new string('a', 65), "%2e%2e" })
            Assert.False(RecordingId.IsValid(bad), bad);
    }
}
