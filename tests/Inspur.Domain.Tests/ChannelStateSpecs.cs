using Inspur.Domain.Channels;
using static Inspur.Domain.Channels.ChannelCommands;
using static Inspur.Domain.Channels.ChannelEvents;

namespace Inspur.Domain.Tests;

public sealed class ChannelStateSpecs
{
    private static readonly ChannelId Id = new("cctv-1");
    private static readonly ChannelConfig Config = new("CCTV 1", 1);
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    private static ChannelState Created() => ChannelState.Empty(Id).Apply(new ChannelCreated(Id, Config, Now));

    [Fact]
    public void Create_on_a_new_channel_emits_ChannelCreated()
    {
        var (events, rejection) = ChannelState.Empty(Id).Process(new CreateChannel(Id, Config), Now);

        Assert.Null(rejection);
        Assert.Equal([new ChannelCreated(Id, Config, Now)], events);
    }

    [Fact]
    public void Create_twice_is_rejected_as_already_existing()
    {
        var (events, rejection) = Created().Process(new CreateChannel(Id, Config with { Name = "Other" }), Now);

        Assert.Empty(events);
        Assert.Equal(ChannelRejection.AlreadyExists, rejection!.Reason);
    }

    [Fact]
    public void Update_of_a_missing_channel_is_rejected_as_not_found()
    {
        var (events, rejection) = ChannelState.Empty(Id).Process(new UpdateChannel(Id, Config), Now);

        Assert.Empty(events);
        Assert.Equal(ChannelRejection.NotFound, rejection!.Reason);
    }

    [Fact]
    public void Update_with_the_same_config_changes_nothing()
    {
        var (events, rejection) = Created().Process(new UpdateChannel(Id, Config), Now);

        Assert.Null(rejection);
        Assert.Empty(events);
    }

    [Fact]
    public void Update_with_a_new_config_emits_ChannelUpdated_and_apply_bumps_the_version()
    {
        var changed = Config with { Name = "CCTV-1 HD", Number = 101 };
        var later = Now.AddMinutes(5);
        var state = Created();

        var (events, _) = state.Process(new UpdateChannel(Id, changed), later);
        var after = state.Apply(Assert.Single(events));

        Assert.Equal(new ChannelUpdated(Id, changed, later), events[0]);
        Assert.Equal(2, after.Version);
        Assert.Equal(changed, after.Config);
        Assert.Equal(Now, after.CreatedAt);
        Assert.Equal(later, after.UpdatedAt);
    }

    [Theory]
    [InlineData("", 1, "name")]
    [InlineData("   ", 1, "name")]
    [InlineData("bad\nname", 1, "name")]
    [InlineData("ok", 0, "number")]
    [InlineData("ok", -5, "number")]
    [InlineData("ok", 100_000, "number")]
    public void Invalid_config_is_rejected_naming_the_field(string name, int number, string field)
    {
        var (events, rejection) = ChannelState.Empty(Id).Process(new CreateChannel(Id, new ChannelConfig(name, number)), Now);

        Assert.Empty(events);
        Assert.Equal(ChannelRejection.Invalid, rejection!.Reason);
        Assert.StartsWith(field, rejection.Message);
    }

    [Fact]
    public void A_name_longer_than_the_limit_is_rejected()
    {
        var config = new ChannelConfig(new string('x', ChannelState.MaxNameLength + 1), 1);

        Assert.Equal(ChannelRejection.Invalid, ChannelState.Empty(Id).Process(new CreateChannel(Id, config), Now).Rejection!.Reason);
        Assert.Null(ChannelState.Validate(config with { Name = new string('x', ChannelState.MaxNameLength) }));
    }

    [Fact]
    public void A_command_for_another_channel_is_rejected()
    {
        var (events, rejection) = ChannelState.Empty(Id).Process(new CreateChannel(new ChannelId("other"), Config), Now);

        Assert.Empty(events);
        Assert.Equal(ChannelRejection.Invalid, rejection!.Reason);
    }

    [Fact]
    public void View_is_null_until_the_channel_exists()
    {
        Assert.Null(ChannelState.Empty(Id).View());
        Assert.Equal(Config, Created().View()!.Config);
    }

    [Theory]
    [InlineData("cctv-1", true)]
    [InlineData("a", true)]
    [InlineData("9", true)]
    [InlineData("", false)]
    [InlineData("-lead", false)]
    [InlineData("Upper", false)]
    [InlineData("has space", false)]
    [InlineData("../etc", false)]
    [InlineData("a/b", false)]
    [InlineData("ok\n", false)]
    public void Channel_ids_are_url_and_path_safe(string value, bool valid)
    {
        Assert.Equal(valid, ChannelId.IsValid(value));
    }

    [Fact]
    public void Channel_ids_are_at_most_64_characters()
    {
        Assert.True(ChannelId.IsValid(new string('a', 64)));
        Assert.False(ChannelId.IsValid(new string('a', 65)));
    }
}

public sealed class ChannelLifecycleSpecs
{
    private static readonly ChannelId Id = new("live-1");
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
    private static readonly ChannelConfig WithSource = new("Live", 1) { Source = "udp://127.0.0.1:5000" };

    private static ChannelState Created(ChannelConfig config) =>
        ChannelState.Empty(Id).Apply(new ChannelEvents.ChannelCreated(Id, config, Now));

    [Fact]
    public void Start_then_stop_toggles_running_and_repeats_change_nothing()
    {
        var state = Created(WithSource);

        var (started, _) = state.Process(new ChannelCommands.StartChannel(Id), Now);
        state = state.Apply(Assert.Single(started));
        var (again, _) = state.Process(new ChannelCommands.StartChannel(Id), Now);
        var (stopped, _) = state.Process(new ChannelCommands.StopChannel(Id, ""), Now);
        var afterStop = state.Apply(Assert.Single(stopped));

        Assert.True(state.Running && state.ShouldRun);
        Assert.Empty(again);
        Assert.Equal("stopped by operator", ((ChannelEvents.ChannelStopped)stopped[0]).Reason);
        Assert.False(afterStop.Running);
        Assert.Empty(afterStop.Process(new ChannelCommands.StopChannel(Id, "x"), Now).Events);
        Assert.Equal(3, afterStop.Version);
    }

    [Fact]
    public void A_channel_without_a_source_cannot_start()
    {
        var (events, rejection) = Created(new ChannelConfig("No source", 2)).Process(new ChannelCommands.StartChannel(Id), Now);

        Assert.Empty(events);
        Assert.Equal(ChannelRejection.Invalid, rejection!.Reason);
        Assert.StartsWith("source", rejection.Message);
    }

    [Fact]
    public void Start_and_stop_of_a_missing_channel_are_not_found()
    {
        Assert.Equal(ChannelRejection.NotFound, ChannelState.Empty(Id).Process(new ChannelCommands.StartChannel(Id), Now).Rejection!.Reason);
        Assert.Equal(ChannelRejection.NotFound, ChannelState.Empty(Id).Process(new ChannelCommands.StopChannel(Id, "x"), Now).Rejection!.Reason);
    }

    [Fact]
    public void An_overlong_stop_reason_is_refused()
    {
        var state = Created(WithSource);
        Assert.Equal(ChannelRejection.Invalid, state.Process(new ChannelCommands.StopChannel(Id, new string('x', 201)), Now).Rejection!.Reason);
    }

    [Theory]
    [InlineData("udp://127.0.0.1:5000", true)]
    [InlineData("udp://239.1.1.1:5000?iface=10.0.0.5", true)]
    [InlineData("udp://[::1]:5000", true)]
    [InlineData("http://127.0.0.1:5000/live.ts", true)]
    [InlineData("https://headend.example/ch1.ts", true)]
    [InlineData("file:///srv/media/loop.ts", true)]
    [InlineData("srt://10.0.0.1:9000?mode=caller&latency=200", true)]
    [InlineData("srt://0.0.0.0:9000?mode=listener", true)]
    [InlineData("udp://example.com:5000", false)]
    [InlineData("udp://127.0.0.1", false)]
    [InlineData("udp://127.0.0.1:5000?iface=10.0.0.5", false)]
    [InlineData("udp://239.1.1.1:5000?ttl=3", false)]
    [InlineData("file://server/share/loop.ts", false)]
    [InlineData("file:///srv/media/../etc/passwd", false)]
    [InlineData("file:///srv/media/a.ts?loop=1", false)]
    [InlineData("srt://10.0.0.1:9000?mode=sideways", false)]
    [InlineData("srt://10.0.0.1:9000?latency=fast", false)]
    [InlineData("srt://10.0.0.1:9000?ttl=1", false)]
    [InlineData("srt://10.0.0.1", false)]
    [InlineData("rtmp://10.0.0.1/live", false)]
    [InlineData("ftp://10.0.0.1/a.ts", false)]
    [InlineData("not a url", false)]
    public void Sources_are_udp_http_file_or_srt_urls_with_checked_options(string url, bool valid)
    {
        Assert.Equal(valid, ChannelSource.TryParse(url, out _, out var error));
        Assert.Equal(valid, error.Length == 0);
        var create = ChannelState.Empty(Id).Process(new ChannelCommands.CreateChannel(Id, new ChannelConfig("S", 1) { Source = url }), Now);
        Assert.Equal(valid, create.Rejection is null);
        if (!valid) Assert.StartsWith("source:", create.Rejection!.Message);
    }
}

public sealed class ChannelAlarmSpecs
{
    private static readonly ChannelId Id = new("alarmed");
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    private static ChannelState Running() => ChannelState.Empty(Id)
        .Apply(new ChannelEvents.ChannelCreated(Id, new ChannelConfig("A", 1) { Source = "udp://127.0.0.1:5000" }, Now))
        .Apply(new ChannelEvents.ChannelStarted(Id, Now));

    [Fact]
    public void An_alarm_is_raised_once_and_cleared_once()
    {
        var state = Running();

        var (raised, _) = state.Process(new ChannelCommands.ReportAlarm(Id, AlarmKinds.NoInput, "no bytes for 5 s"), Now);
        state = state.Apply(Assert.Single(raised));
        var (again, _) = state.Process(new ChannelCommands.ReportAlarm(Id, AlarmKinds.NoInput, "still nothing"), Now);
        var (cleared, _) = state.Process(new ChannelCommands.ReportAlarm(Id, AlarmKinds.NoInput, null), Now.AddSeconds(9));
        var after = state.Apply(Assert.Single(cleared));

        Assert.Equal(new ChannelAlarm(AlarmKinds.NoInput, "no bytes for 5 s", Now), Assert.Single(state.View()!.Alarms!));
        Assert.Empty(again);
        Assert.Null(after.View()!.Alarms);
        Assert.Empty(after.Process(new ChannelCommands.ReportAlarm(Id, AlarmKinds.NoInput, null), Now).Events);
    }

    [Fact]
    public void Stopping_clears_alarms_and_a_missing_channel_cannot_alarm()
    {
        var state = Running().Apply(new ChannelEvents.AlarmRaised(Id, AlarmKinds.NoInput, "x", Now));

        var stopped = state.Apply(new ChannelEvents.ChannelStopped(Id, "off", Now));

        Assert.Empty(stopped.ActiveAlarms);
        Assert.Equal(ChannelRejection.NotFound,
            ChannelState.Empty(Id).Process(new ChannelCommands.ReportAlarm(Id, AlarmKinds.NoInput, "x"), Now).Rejection!.Reason);
    }
}

public sealed class ChannelPhaseSpecs
{
    private static readonly ChannelId Id = new("phased");
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly ChannelConfig Config = new("P", 1) { Source = "udp://127.0.0.1:5000" };

    private static ChannelState Created() => ChannelState.Empty(Id).Apply(new ChannelEvents.ChannelCreated(Id, Config, Now));

    [Fact]
    public void Starting_and_stopping_set_the_phase_and_the_pipeline_reports_the_rest()
    {
        var started = Created().Apply(new ChannelEvents.ChannelStarted(Id, Now));
        Assert.Equal(ChannelPhase.Starting, started.Phase);

        var (events, rejection) = started.Process(new ChannelCommands.ReportPhase(Id, ChannelPhase.Live, null), Now);
        Assert.Null(rejection);
        var live = started.Apply(Assert.IsType<ChannelEvents.PhaseChanged>(Assert.Single(events)));
        Assert.Equal(ChannelPhase.Live, live.View()!.Phase);
        Assert.Empty(live.Process(new ChannelCommands.ReportPhase(Id, ChannelPhase.Live, null), Now).Events);

        var stopped = live.Apply(new ChannelEvents.ChannelStopped(Id, "end of broadcast", Now));
        Assert.Equal((ChannelPhase.Stopped, "end of broadcast"), (stopped.Phase, stopped.PhaseReason));
    }

    [Fact]
    public void A_late_report_after_a_stop_changes_nothing()
    {
        var stopped = Created();
        Assert.Empty(stopped.Process(new ChannelCommands.ReportPhase(Id, ChannelPhase.Failed, "no segment"), Now).Events);
        Assert.Empty(stopped.Process(new ChannelCommands.ReportAlarm(Id, AlarmKinds.NoInput, "silent"), Now).Events);
    }

    [Fact]
    public void A_pipeline_cannot_report_stopped_and_a_missing_channel_has_no_phase()
    {
        var started = Created().Apply(new ChannelEvents.ChannelStarted(Id, Now));
        Assert.Equal(ChannelRejection.Invalid, started.Process(new ChannelCommands.ReportPhase(Id, ChannelPhase.Stopped, null), Now).Rejection!.Reason);
        Assert.Equal(ChannelRejection.NotFound, ChannelState.Empty(Id).Process(new ChannelCommands.ReportPhase(Id, ChannelPhase.Live, null), Now).Rejection!.Reason);
    }

    [Fact]
    public void An_overlong_reason_is_cut_not_refused()
    {
        var started = Created().Apply(new ChannelEvents.ChannelStarted(Id, Now));
        var evt = Assert.IsType<ChannelEvents.PhaseChanged>(Assert.Single(started.Process(new ChannelCommands.ReportPhase(Id, ChannelPhase.Failed, new string('x', 500)), Now).Events));
        Assert.True(evt.Reason!.Length <= ChannelState.MaxReasonLength + 1);
    }
}

public sealed class ChannelConfigSpecs
{
    private static readonly ChannelConfig Base = new("C", 1) { Source = "udp://127.0.0.1:5000" };
    private static readonly LadderRung Rung = new("720p", 1280, 720, 3000);

    public static TheoryData<string, ChannelConfig> Invalid() => new()
    {
        { "backupSource", Base with { BackupSource = "udp://127.0.0.1:5000" } },
        { "backupSource", Base with { BackupSource = "tcp://1.2.3.4:5" } },
        { "backupSource", Base with { Source = null, BackupSource = "udp://127.0.0.1:5002" } },
        { "genre", Base with { Genre = new string('g', 51) } },
        { "logo", Base with { Logo = "javascript:alert(1)" } },
        { "logo", Base with { Logo = "/img/../../etc/passwd" } },
        { "logo", Base with { Logo = "//evil.example/x.png" } },
        { "archiveHours", Base with { ArchiveHours = -1 } },
        { "archiveHours", Base with { ArchiveHours = 24 * 31 + 1 } },
        { "transcode", Base with { Transcode = new TranscodeSettings([]) } },
        { "transcode", Base with { Transcode = new TranscodeSettings([Rung, Rung]) } },
        { "transcode", Base with { Transcode = new TranscodeSettings([Rung with { Width = 1281 }]) } },
        { "transcode", Base with { Transcode = new TranscodeSettings([Rung with { VideoKbps = 10 }]) } },
        { "transcode", Base with { Transcode = new TranscodeSettings([Rung with { Profile = "high10" }]) } },
        { "transcode", Base with { Transcode = new TranscodeSettings([Rung with { Name = "../x" }]) } },
        { "transcode", Base with { Transcode = new TranscodeSettings([Rung]) { FrameRate = 0 } } },
        { "transcode", Base with { Transcode = new TranscodeSettings(Enumerable.Range(0, 9).Select(i => Rung with { Name = $"r{i}" }).ToList()) } },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void A_bad_config_names_its_field(string field, ChannelConfig config)
    {
        var problem = ChannelState.Validate(config);
        Assert.NotNull(problem);
        Assert.Equal(field, problem.Field);
        Assert.StartsWith(field, problem.Message);
    }

    [Fact]
    public void A_full_config_is_valid_and_an_equal_ladder_is_an_equal_config()
    {
        var full = Base with
        {
            BackupSource = "http://10.0.0.2/live.ts",
            Logo = "https://img.example/c.png",
            Genre = "News",
            ArchiveHours = 168,
            Transcode = new TranscodeSettings([Rung, new LadderRung("360p", 640, 360, 700) { Profile = "main" }]),
        };
        Assert.Null(ChannelState.Validate(full));
        var same = full with { Transcode = new TranscodeSettings([Rung, new LadderRung("360p", 640, 360, 700) { Profile = "main" }]) };
        Assert.Equal(full, same);
        Assert.NotEqual(full, same with { Transcode = same.Transcode! with { FrameRate = 30 } });
    }
}
