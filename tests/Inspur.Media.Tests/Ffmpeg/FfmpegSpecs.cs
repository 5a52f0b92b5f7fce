using System.Collections.Concurrent;
using Inspur.Media.Ffmpeg;
using Inspur.Media.Tests.Segmenting;

namespace Inspur.Media.Tests.Ffmpeg;

public sealed class FfmpegSpecs
{
    private static readonly TimeSpan OneSecond = TimeSpan.FromSeconds(1);

    private static string Temp() => Directory.CreateTempSubdirectory("inspur-ffmpeg-").FullName;

    /// <summary>ffprobe's values, one line per stream (a TS lists its streams under the program too: deduplicated).</summary>
    private static async Task<string> Probe(string path, string entries) =>
        string.Join("\n", (await MediaSamples.Run("ffprobe", $"-v error -select_streams v:0 -show_entries {entries} -of csv=p=0 {path}")).Out
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct());

    private static async Task<string> Codecs(string path) =>
        string.Join("\n", (await MediaSamples.Run("ffprobe", $"-v error -show_entries stream=codec_name -of csv=p=0 {path}")).Out
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct());

    private static FfmpegJob Lavfi(double seconds, bool realtime = false) => new(
        [.. realtime ? new[] { "-re" } : [], "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=25", "-t", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture), "-f", "null", "-"]);

    [Fact]
    public async Task Mpeg2_piped_in_comes_out_as_h264_and_aac()
    {
        var mpeg2 = await MediaSamples.Mpeg2(seconds: 3);
        var job = TranscodeProfiles.ToH264("pipe:0", "pipe:1", new Rendition("sd", 320, 240, 500) { Profile = "main" }, 25, OneSecond);

        await using var ffmpeg = FfmpegProcess.Start(job);
        var feed = Task.Run(async () =>
        {
            await ffmpeg.Input!.WriteAsync(mpeg2);
            ffmpeg.Input.Close();
        });
        using var output = new MemoryStream();
        await ffmpeg.Output!.CopyToAsync(output);
        await feed;
        var exit = await ffmpeg.Completion;

        Assert.True(exit.ExitCode == 0, exit.Describe());
        var file = Path.Combine(Temp(), "out.ts");
        await File.WriteAllBytesAsync(file, output.ToArray());
        Assert.Equal("h264\naac", await Codecs(file));
    }

    [Fact]
    public async Task A_ladder_in_one_process_has_the_same_keyframe_times_in_every_rendition()
    {
        var dir = Temp();
        var source = Path.Combine(dir, "src.ts");
        await File.WriteAllBytesAsync(source, await MediaSamples.Mpeg2(seconds: 6));
        var ladder = new[] { new Rendition("720p", 640, 360, 800), new Rendition("480p", 480, 270, 500), new Rendition("240p", 320, 180, 300) { Profile = "baseline" } };

        await using var ffmpeg = FfmpegProcess.Start(TranscodeProfiles.Ladder(source, ladder.Select(r => (r, Path.Combine(dir, $"{r.Name}.ts"))).ToList(), 25, OneSecond));
        var exit = await ffmpeg.Completion;
        Assert.True(exit.ExitCode == 0, exit.Describe());

        var keyframes = new List<List<double>>();
        foreach (var r in ladder)
        {
            var frames = await MediaSamples.VideoFrames(Path.Combine(dir, $"{r.Name}.ts"));
            keyframes.Add(frames.Where(f => f.Key).Select(f => Math.Round(f.Pts, 3)).ToList());
            Assert.Equal($"{r.Width},{r.Height}", await Probe(Path.Combine(dir, $"{r.Name}.ts"), "stream=width,height"));
        }

        Assert.True(keyframes[0].Count >= 5, string.Join(",", keyframes[0]));
        Assert.All(keyframes, k => Assert.Equal(keyframes[0], k));
        var gaps = keyframes[0].Zip(keyframes[0].Skip(1), (a, b) => b - a).ToList();
        Assert.All(gaps, g => Assert.Equal(1.0, g, 2));
    }

    [Fact]
    public async Task Progress_is_reported_and_ends()
    {
        var reports = new ConcurrentQueue<FfmpegProgress>();

        await using var ffmpeg = FfmpegProcess.Start(Lavfi(3), reports.Enqueue);
        var exit = await ffmpeg.Completion;

        Assert.Equal(0, exit.ExitCode);
        var list = reports.ToList();
        Assert.True(list[^1].End);
        Assert.Equal(75, list[^1].Frame);
        Assert.Equal(3.0, list[^1].OutTime.TotalSeconds, 1);
        Assert.Equal(list.Select(p => p.OutTime).Order(), list.Select(p => p.OutTime));
    }

    [Fact]
    public async Task Disposing_kills_the_process_and_leaves_no_zombie()
    {
        var ffmpeg = FfmpegProcess.Start(Lavfi(120, realtime: true));
        var pid = ffmpeg.Pid;
        Assert.True(Directory.Exists($"/proc/{pid}"));

        await ffmpeg.DisposeAsync();

        var exit = await ffmpeg.Completion;
        Assert.True(exit.Killed);
        Assert.False(Directory.Exists($"/proc/{pid}"), $"pid {pid} still in /proc: {(File.Exists($"/proc/{pid}/status") ? File.ReadAllText($"/proc/{pid}/status").Split('\n')[2] : "")}");
    }

    [Fact]
    public async Task Stop_asks_ffmpeg_to_finish_then_it_exits()
    {
        var ffmpeg = FfmpegProcess.Start(Lavfi(120, realtime: true));
        var exit = await ffmpeg.StopAsync(TimeSpan.FromSeconds(10));
        await ffmpeg.DisposeAsync();

        Assert.True(ffmpeg.HasExited);
        Assert.False(exit.Killed, exit.Describe());
    }

    [Fact]
    public async Task A_failing_run_reports_its_exit_code_and_stderr()
    {
        await using var ffmpeg = FfmpegProcess.Start(new FfmpegJob(["-i", "/no/such/input.ts", "-f", "null", "-"]));

        var exit = await ffmpeg.Completion;

        Assert.NotEqual(0, exit.ExitCode);
        Assert.Contains(exit.StderrTail, l => l.Contains("No such file"));
    }

    [Fact]
    public void A_missing_executable_is_a_clear_error()
    {
        var error = Assert.Throws<InvalidOperationException>(() => FfmpegProcess.Start(Lavfi(1) with { Executable = "/no/such/ffmpeg" }));
        Assert.Contains("/no/such/ffmpeg", error.Message);
    }

    /// <summary>Runs a supervisor on a short job until it has backed off <paramref name="count"/> times; returns every event.</summary>
    private static async Task<List<SupervisorEvent>> RunUntilBackoffs(BackoffPolicy policy, int count)
    {
        var events = new ConcurrentQueue<SupervisorEvent>();
        var backoffs = 0;
        var enough = new TaskCompletionSource();
        var supervisor = new FfmpegSupervisor(() => Lavfi(0.2), e =>
        {
            events.Enqueue(e);
            if (e is SupervisorEvent.Backoff && Interlocked.Increment(ref backoffs) == count) enough.TrySetResult();
        }, policy);
        supervisor.Start();
        await enough.Task.WaitAsync(TimeSpan.FromSeconds(60));
        await supervisor.StopAsync();
        return events.ToList();
    }

    [Fact]
    public async Task The_supervisor_restarts_with_growing_backoff_and_stops_cleanly()
    {
        var events = await RunUntilBackoffs(new BackoffPolicy
        {
            Initial = TimeSpan.FromMilliseconds(20),
            Factor = 2,
            Jitter = 0,
            Max = TimeSpan.FromSeconds(1),
            ResetAfter = TimeSpan.FromMinutes(5),
        }, 3);

        var delays = events.OfType<SupervisorEvent.Backoff>().Select(b => b.Delay.TotalMilliseconds).Take(3).ToList();
        Assert.Equal([20.0, 40.0, 80.0], delays);
        Assert.All(events.OfType<SupervisorEvent.Exited>(), e => Assert.Equal(0, e.Exit.ExitCode));
        Assert.IsType<SupervisorEvent.Stopped>(events.Last());
        Assert.True(events.OfType<SupervisorEvent.Running>().Count() >= 3);
    }

    [Fact]
    public async Task A_stable_run_resets_the_backoff()
    {
        var events = await RunUntilBackoffs(new BackoffPolicy
        {
            Initial = TimeSpan.FromMilliseconds(20),
            Factor = 2,
            Jitter = 0,
            ResetAfter = TimeSpan.FromTicks(1),
        }, 3);

        Assert.All(events.OfType<SupervisorEvent.Backoff>(), b => Assert.Equal(20.0, b.Delay.TotalMilliseconds));
    }

    [Fact]
    public async Task Stopping_kills_a_running_job_and_a_start_failure_is_reported_not_thrown()
    {
        var events = new ConcurrentQueue<SupervisorEvent>();
        var running = new TaskCompletionSource<int>();
        var supervisor = new FfmpegSupervisor(() => Lavfi(120, realtime: true), e =>
        {
            events.Enqueue(e);
            if (e is SupervisorEvent.Running r) running.TrySetResult(r.Pid);
        });
        supervisor.Start();
        var pid = await running.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await supervisor.StopAsync();

        Assert.False(Directory.Exists($"/proc/{pid}"));
        Assert.IsType<SupervisorEvent.Stopped>(events.Last());

        var failed = new TaskCompletionSource<string>();
        var broken = new FfmpegSupervisor(() => Lavfi(1) with { Executable = "/no/such/ffmpeg" }, e =>
        {
            if (e is SupervisorEvent.StartFailed f) failed.TrySetResult(f.Reason);
        }, new BackoffPolicy { Initial = TimeSpan.FromMilliseconds(10) });
        broken.Start();
        Assert.Contains("/no/such/ffmpeg", await failed.Task.WaitAsync(TimeSpan.FromSeconds(30)));
        await broken.StopAsync();
    }

    public static TheoryData<string, Rendition> BadRenditions() => new()
    {
        { "even", new Rendition("odd", 641, 360, 800) },
        { "positive", new Rendition("zero", 0, 360, 800) },
        { "bitrate", new Rendition("nobits", 640, 360, 0) },
        { "name", new Rendition("bad name", 640, 360, 800) },
        { "profile", new Rendition("p", 640, 360, 800) { Profile = "extreme" } },
        { "max rate", new Rendition("m", 640, 360, 800) { MaxKbps = 100 } },
    };

    [Theory]
    [MemberData(nameof(BadRenditions))]
    public void Bad_renditions_are_refused_naming_the_problem(string expected, Rendition rendition)
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => TranscodeProfiles.ToH264("in.ts", "out.ts", rendition, 25, OneSecond));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Empty_ladders_duplicate_names_and_bad_rates_are_refused()
    {
        var r = new Rendition("a", 640, 360, 800);
        Assert.Throws<ArgumentException>(() => TranscodeProfiles.Ladder("in.ts", [], 25, OneSecond));
        Assert.Throws<ArgumentException>(() => TranscodeProfiles.Ladder("in.ts", [(r, "a.ts"), (r, "b.ts")], 25, OneSecond));
        Assert.Throws<ArgumentOutOfRangeException>(() => TranscodeProfiles.Ladder("in.ts", [(r, "a.ts")], 0, OneSecond));
        Assert.Throws<ArgumentException>(() => TranscodeProfiles.Ladder("in.ts", [(r, " ")], 25, OneSecond));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FfmpegSupervisor(() => Lavfi(1), _ => { }, new BackoffPolicy { Initial = TimeSpan.Zero }));
    }
}
