using Inspur.Domain.Channels;

namespace Inspur.Domain.Tests;

/// <summary>The pure alarm and lifecycle rules of a running pipeline, driven by samples one second apart.</summary>
public sealed class ChannelMonitorSpecs
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);
    private const long BytesPerSecond = 500_000; // 4 Mb/s

    private readonly ChannelMonitor _monitor = new("udp://127.0.0.1:5000", "udp://127.0.0.1:5002");

    /// <summary>A healthy sample at second <paramref name="s"/>: input at 4 Mb/s, a segment every 2 s.</summary>
    private static PipelineHealth Healthy(int s, long? bytes = null) => new()
    {
        At = T0.AddSeconds(s),
        StartedAt = T0,
        LastInput = T0.AddSeconds(s),
        InputBytes = bytes ?? s * BytesPerSecond,
        LastSegment = s >= 2 ? T0.AddSeconds(s - s % 2) : null,
    };

    private MonitorVerdict Run(int from, int to, Func<int, PipelineHealth> sample)
    {
        MonitorVerdict last = null!;
        for (var s = from; s <= to; s++) last = _monitor.Observe(sample(s));
        return last;
    }

    private List<(string Kind, string? Detail)> Changes(int from, int to, Func<int, PipelineHealth> sample)
    {
        var all = new List<(string, string?)>();
        for (var s = from; s <= to; s++) all.AddRange(_monitor.Observe(sample(s)).AlarmChanges);
        return all;
    }

    [Fact]
    public void A_healthy_channel_is_starting_until_its_first_segment_then_live_without_alarms()
    {
        Assert.Equal(ChannelPhase.Starting, _monitor.Observe(Healthy(1)).Phase);
        var verdict = Run(2, 20, s => Healthy(s));
        Assert.Equal(ChannelPhase.Live, verdict.Phase);
        Assert.Null(verdict.Reason);
        Assert.Empty(_monitor.Active);
        Assert.InRange(verdict.InputKbps, 3900, 4100);
    }

    [Fact]
    public void Silence_raises_no_input_after_five_seconds_and_fails_the_channel_then_input_clears_it()
    {
        Run(0, 10, s => Healthy(s));
        var silent = Changes(11, 16, s => Healthy(s) with { LastInput = T0.AddSeconds(10), InputBytes = 10 * BytesPerSecond, LastSegment = T0.AddSeconds(10) });
        var raised = Assert.Single(silent);
        Assert.Equal(AlarmKinds.NoInput, raised.Kind);
        Assert.Contains("udp://127.0.0.1:5000", raised.Detail);

        var failed = Run(17, 19, s => Healthy(s) with { LastInput = T0.AddSeconds(10), InputBytes = 10 * BytesPerSecond, LastSegment = T0.AddSeconds(10) });
        Assert.Equal(ChannelPhase.Failed, failed.Phase);
        Assert.Contains("no input", failed.Reason);

        var back = _monitor.Observe(Healthy(20, 10 * BytesPerSecond + 100_000));
        Assert.Contains((AlarmKinds.NoInput, (string?)null), back.AlarmChanges);
        Assert.Equal(ChannelPhase.Live, back.Phase);
    }

    [Fact]
    public void A_pipeline_that_never_publishes_fails_after_the_first_segment_deadline_naming_the_input_error()
    {
        var verdict = Run(0, 25, s => new PipelineHealth { At = T0.AddSeconds(s), StartedAt = T0, InputError = "HTTP 404 from http://src/live.ts" });
        Assert.Equal(ChannelPhase.Failed, verdict.Phase);
        Assert.Contains("HTTP 404", verdict.Reason);
        Assert.Contains(AlarmKinds.NoInput, _monitor.Active.Keys);
    }

    [Fact]
    public void Playing_the_backup_raises_on_backup_and_degrades_until_the_primary_is_back()
    {
        Run(0, 10, s => Healthy(s));
        var verdict = _monitor.Observe(Healthy(11) with { OnBackup = true });
        Assert.Equal([(AlarmKinds.OnBackup, "primary udp://127.0.0.1:5000 is silent; playing the backup udp://127.0.0.1:5002")], verdict.AlarmChanges);
        Assert.Equal(ChannelPhase.Degraded, verdict.Phase);
        Assert.Equal(AlarmKinds.OnBackup, verdict.Reason);

        Assert.Empty(Changes(12, 20, s => Healthy(s) with { OnBackup = true }));
        var back = _monitor.Observe(Healthy(21));
        Assert.Equal([(AlarmKinds.OnBackup, (string?)null)], back.AlarmChanges);
        Assert.Equal(ChannelPhase.Live, back.Phase);
    }

    [Fact]
    public void Tr101290_errors_over_the_threshold_raise_once_and_clear_after_a_quiet_spell()
    {
        Run(0, 10, s => Healthy(s));
        // 3 continuity errors a second: 10 within the 10 s window after four seconds.
        var raised = Changes(11, 15, s => Healthy(s) with { ContinuityErrors = (s - 10) * 3 });
        Assert.Equal(AlarmKinds.Tr101290, Assert.Single(raised).Kind);
        Assert.Contains("continuity 12", Assert.Single(raised).Detail);

        // Errors stop at 15; the alarm holds for the quiet spell (30 s), then clears once.
        var quiet = Changes(16, 44, s => Healthy(s) with { ContinuityErrors = 15 });
        Assert.Empty(quiet);
        Assert.Equal([(AlarmKinds.Tr101290, (string?)null)], Changes(45, 47, s => Healthy(s) with { ContinuityErrors = 15 }));
    }

    [Fact]
    public void A_few_errors_under_the_threshold_raise_nothing()
    {
        Assert.Empty(Changes(0, 60, s => Healthy(s) with { SyncLosses = s / 10, PatMissing = s / 20 }));
    }

    [Fact]
    public void A_bitrate_collapse_raises_while_bytes_still_arrive_and_clears_when_the_rate_recovers()
    {
        Run(0, 60, s => Healthy(s));
        long bytes = 60 * BytesPerSecond;
        // 4 Mb/s to 0.4 Mb/s.
        var collapse = Changes(61, 70, s => Healthy(s, bytes += BytesPerSecond / 10));
        var raised = Assert.Single(collapse);
        Assert.Equal(AlarmKinds.BitrateCollapse, raised.Kind);
        Assert.Contains("down from", raised.Detail);
        Assert.Equal(ChannelPhase.Degraded, _monitor.Observe(Healthy(71, bytes += BytesPerSecond / 10)).Phase);

        var recovered = Changes(72, 80, s => Healthy(s, bytes += BytesPerSecond));
        Assert.Equal([(AlarmKinds.BitrateCollapse, (string?)null)], recovered);
    }

    [Fact]
    public void Silence_is_no_input_not_a_bitrate_collapse()
    {
        Run(0, 60, s => Healthy(s));
        var changes = Changes(61, 70, s => Healthy(s, 60 * BytesPerSecond) with { LastInput = T0.AddSeconds(60) });
        Assert.DoesNotContain(changes, c => c.Kind == AlarmKinds.BitrateCollapse);
        Assert.Contains(changes, c => c.Kind == AlarmKinds.NoInput);
    }

    [Fact]
    public void A_transcoder_restart_raises_the_crash_alarm_and_a_stable_run_clears_it()
    {
        Run(0, 10, s => Healthy(s));
        var crash = _monitor.Observe(Healthy(11) with { TranscoderRestarts = 1, TranscoderExit = "ffmpeg exited with 137 (killed)" });
        Assert.Equal([(AlarmKinds.TranscoderCrash, "transcoder restarted (1 so far): ffmpeg exited with 137 (killed)")], crash.AlarmChanges);

        // A second crash while raised changes the detail, not the alarm count.
        Assert.Empty(_monitor.Observe(Healthy(15) with { TranscoderRestarts = 2, TranscoderExit = "ffmpeg exited with 1" }).AlarmChanges);
        Assert.Contains("(2 so far)", _monitor.Active[AlarmKinds.TranscoderCrash]);
        Assert.Empty(Changes(16, 24, s => Healthy(s) with { TranscoderRestarts = 2 }));
        Assert.Equal([(AlarmKinds.TranscoderCrash, (string?)null)], _monitor.Observe(Healthy(25) with { TranscoderRestarts = 2 }).AlarmChanges);
    }

    [Fact]
    public void An_mpeg2_passthrough_asks_for_a_ladder()
    {
        var verdict = Run(0, 5, s => Healthy(s) with { MustTranscode = "MPEG-2 video is not playable by HLS clients; transcode to H.264" });
        Assert.Equal(ChannelPhase.Degraded, verdict.Phase);
        Assert.Contains("give the channel a transcode ladder", _monitor.Active[AlarmKinds.MustTranscode]);
    }

    [Fact]
    public void Segments_stopping_while_input_flows_fail_the_channel()
    {
        Run(0, 10, s => Healthy(s));
        var verdict = Run(11, 20, s => Healthy(s) with { LastSegment = T0.AddSeconds(10) });
        Assert.Equal(ChannelPhase.Failed, verdict.Phase);
        Assert.StartsWith("no segment for", verdict.Reason);
    }

    [Fact]
    public void After_a_pipeline_restart_counters_start_again_and_raised_alarms_still_clear()
    {
        Run(0, 10, s => Healthy(s));
        _monitor.Observe(Healthy(11) with { TranscoderRestarts = 3, ContinuityErrors = 500 });
        Assert.Contains(AlarmKinds.TranscoderCrash, _monitor.Active.Keys);
        Assert.Contains(AlarmKinds.Tr101290, _monitor.Active.Keys);

        _monitor.Restarted();
        // The new pipeline counts from zero: its first transcoder restart is news, its zero errors are no new error.
        var first = _monitor.Observe(Healthy(12, 0) with { StartedAt = T0.AddSeconds(12), TranscoderRestarts = 1, TranscoderExit = "exited with 1" });
        Assert.Empty(first.AlarmChanges);
        Assert.Contains("(1 so far)", _monitor.Active[AlarmKinds.TranscoderCrash]);
        var cleared = Changes(13, 60, s => Healthy(s, (s - 12) * BytesPerSecond) with { StartedAt = T0.AddSeconds(12), TranscoderRestarts = 1 });
        Assert.Contains((AlarmKinds.TranscoderCrash, (string?)null), cleared);
        Assert.Contains((AlarmKinds.Tr101290, (string?)null), cleared);
        Assert.DoesNotContain(cleared, c => c.Kind == AlarmKinds.BitrateCollapse);
    }

    [Fact]
    public void A_node_archive_near_its_quota_alarms_until_it_is_not()
    {
        Run(0, 5, s => Healthy(s));
        var near = _monitor.Observe(Healthy(6) with { ArchiveNearQuota = "the node's archive holds 950 MiB of its 1000 MiB quota" });
        Assert.Equal([(AlarmKinds.ArchiveQuota, "the node's archive holds 950 MiB of its 1000 MiB quota")], near.AlarmChanges);
        Assert.Equal(ChannelPhase.Degraded, near.Phase);
        Assert.Equal([(AlarmKinds.ArchiveQuota, (string?)null)], _monitor.Observe(Healthy(7)).AlarmChanges);
    }

    [Fact]
    public void A_failed_archive_write_alarms_and_a_quiet_spell_clears_it()
    {
        Run(0, 5, s => Healthy(s));
        var failed = _monitor.Observe(Healthy(6) with { ArchiveFailures = 1, ArchiveError = "No space left on device" });
        Assert.Equal(AlarmKinds.Archive, Assert.Single(failed.AlarmChanges).Kind);
        Assert.Contains("No space left", _monitor.Active[AlarmKinds.Archive]);
        Assert.Empty(Changes(7, 35, s => Healthy(s) with { ArchiveFailures = 1 }));
        Assert.Equal([(AlarmKinds.Archive, (string?)null)], _monitor.Observe(Healthy(36) with { ArchiveFailures = 1 }).AlarmChanges);
    }
}
