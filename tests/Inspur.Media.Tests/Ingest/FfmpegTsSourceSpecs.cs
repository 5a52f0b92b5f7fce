using System.Collections.Concurrent;
using System.Diagnostics;
using Akka.Actor;
using Akka.IO;
using Akka.Streams;
using Akka.Streams.Dsl;
using Inspur.Media.Ffmpeg;
using Inspur.Media.Ingest;
using Inspur.Media.Tests.Segmenting;
using static Inspur.Media.Tests.Ingest.IngestTesting;

namespace Inspur.Media.Tests.Ingest;

/// <summary>A real supervised ffmpeg feeding the source: looping TS and MP4 files, SRT from an ffmpeg sender, and its failures.</summary>
public sealed class FfmpegTsSourceSpecs : IAsyncLifetime
{
    private static readonly BackoffPolicy Quick = new() { Initial = TimeSpan.FromMilliseconds(50), Max = TimeSpan.FromMilliseconds(200), Jitter = 0 };

    private ActorSystem _system = null!;
    private readonly string _dir = TempDir();

    public Task InitializeAsync()
    {
        _system = ActorSystem.Create("ffmpeg-source-specs", "akka.loglevel = WARNING");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _system.Terminate();
        Directory.Delete(_dir, recursive: true);
    }

    private sealed record Running(IngestStats Stats, UniqueKillSwitch Kill, Task<Akka.Done> Done, Collected Collected, ConcurrentQueue<SupervisorEvent> Events)
    {
        public List<int> Pids => Events.OfType<SupervisorEvent.Running>().Select(r => r.Pid).ToList();
    }

    private Running Run(FfmpegIngestOptions options)
    {
        var events = new ConcurrentQueue<SupervisorEvent>();
        var collected = new Collected();
        var ((stats, kill), done) = Source.FromGraph(new FfmpegTsSource(options, events.Enqueue))
            .ViaMaterialized(KillSwitches.Single<ByteString>(), Keep.Both)
            .ToMaterialized(collected.Sink, Keep.Both)
            .Run(_system.Materializer());
        return new Running(stats, kill, done, collected, events);
    }

    private static async Task StopAndAssertNoFfmpegLeft(Running run)
    {
        run.Kill.Shutdown();
        await run.Done.WaitAsync(Patience);
        await Until(() => run.Events.LastOrDefault() is SupervisorEvent.Stopped, () => "the supervisor did not stop");
        foreach (var pid in run.Pids) Assert.False(Directory.Exists($"/proc/{pid}"), $"ffmpeg {pid} is still in /proc");
    }

    private async Task<string> File(string name, byte[] bytes)
    {
        var path = Path.Combine(_dir, name);
        await System.IO.File.WriteAllBytesAsync(path, bytes);
        return path;
    }

    [Fact]
    public async Task A_looping_two_second_file_keeps_flowing_as_clean_ts()
    {
        var ts = await MediaSamples.H264Aac(seconds: 2, gop: 25);
        var clock = Stopwatch.StartNew();

        var run = Run(FfmpegIngestOptions.LoopFile(await File("two-seconds.ts", ts)) with { Restart = Quick });
        // Played in real time, three copies take six seconds: it has looped, not ended.
        await Until(() => run.Collected.Length >= 3L * ts.Length, () => $"{run.Collected.Length} bytes after {clock.Elapsed}; {run.Stats.LastError}");

        var (packets, syncLosses, skipped) = run.Collected.Framing();
        Assert.True(clock.Elapsed > TimeSpan.FromSeconds(5), $"three copies after {clock.Elapsed}: not played in real time");
        Assert.Equal(0, syncLosses);
        Assert.Equal(0, skipped);
        Assert.Equal(run.Collected.Length / 188, packets);
        Assert.Equal(0, run.Stats.Reconnects);
        Assert.Single(run.Pids);
        await StopAndAssertNoFfmpegLeft(run);
    }

    [Fact]
    public async Task An_mp4_file_is_remuxed_into_ts()
    {
        var mp4 = await Mp4();

        var run = Run(FfmpegIngestOptions.LoopFile(await File("clip.mp4", mp4)) with { Restart = Quick });
        await Until(() => run.Collected.Length >= 100 * 188, () => $"{run.Collected.Length} bytes; {run.Stats.LastError}");
        await StopAndAssertNoFfmpegLeft(run);

        var (_, syncLosses, skipped) = run.Collected.Framing();
        Assert.Equal((0L, 0L), (syncLosses, skipped));
        var received = await File("received.ts", run.Collected.Bytes());
        var (_, codecs, _) = await MediaSamples.Run("ffprobe", $"-v error -show_entries stream=codec_name -of csv=p=0 {received}");
        Assert.Equal(["aac", "h264"], codecs.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct().Order());
    }

    [Fact]
    public async Task Cancelling_kills_ffmpeg_and_leaves_no_process_behind()
    {
        var ts = await MediaSamples.H264Aac(seconds: 2, gop: 25);
        var run = Run(FfmpegIngestOptions.LoopFile(await File("cancel.ts", ts)) with { Restart = Quick });
        await Until(() => run.Collected.Length > 0 && run.Pids.Count > 0, () => $"no bytes; {run.Stats.LastError}");
        var pid = run.Pids.Single();
        Assert.True(Directory.Exists($"/proc/{pid}"));

        await StopAndAssertNoFfmpegLeft(run);

        Assert.Single(run.Pids);
        Assert.Equal(0, run.Stats.Reconnects);
    }

    [Fact]
    public async Task A_missing_file_is_named_and_retried_without_ending_the_stream()
    {
        var missing = Path.Combine(_dir, "not-there-yet.ts");

        var run = Run(FfmpegIngestOptions.LoopFile(missing) with { Restart = Quick });
        await Until(() => run.Stats.Reconnects >= 2, () => $"{run.Stats.Reconnects} restarts; {run.Stats.LastError}");

        Assert.Contains(missing, run.Stats.LastError);
        Assert.Contains("No such file", run.Stats.LastError);
        Assert.False(run.Done.IsCompleted);

        // The file appearing is enough: the next restart plays it.
        await System.IO.File.WriteAllBytesAsync(missing, await MediaSamples.H264Aac(seconds: 2, gop: 25));
        await Until(() => run.Collected.Length > 0, () => $"nothing after the file appeared; {run.Stats.LastError}");
        await StopAndAssertNoFfmpegLeft(run);
    }

    [Fact]
    public async Task A_missing_ffmpeg_is_named_and_retried()
    {
        var run = Run(FfmpegIngestOptions.LoopFile("/srv/x.ts") with { Executable = "/no/such/ffmpeg", Restart = Quick });

        await Until(() => run.Stats.Reconnects >= 2, () => $"{run.Stats.Reconnects} restarts; {run.Stats.LastError}");

        Assert.Contains("/no/such/ffmpeg", run.Stats.LastError);
        Assert.False(run.Done.IsCompleted);
        await StopAndAssertNoFfmpegLeft(run);
    }

    [Fact]
    public async Task Srt_from_an_ffmpeg_listener_arrives_as_ts()
    {
        var port = FreeUdpPort();
        var sender = Process.Start(new ProcessStartInfo("ffmpeg")
        {
            ArgumentList =
            {
                "-hide_banner", "-loglevel", "error", "-re", "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=25", "-t", "60",
                "-c:v", "mpeg2video", "-g", "25", "-b:v", "300k", "-f", "mpegts", $"srt://127.0.0.1:{port}?mode=listener",
            },
            RedirectStandardError = true,
        })!;
        try
        {
            // The caller may knock before the listener is up; that is one more restart.
            var run = Run(FfmpegIngestOptions.Srt($"srt://127.0.0.1:{port}?mode=caller") with { Restart = Quick });
            await Until(() => run.Collected.Length >= 500 * 188,
                () => $"{run.Collected.Length} bytes; {run.Stats.LastError}; sender: {(sender.HasExited ? sender.StandardError.ReadToEnd() : "running")}");
            await StopAndAssertNoFfmpegLeft(run);

            var (packets, syncLosses, _) = run.Collected.Framing();
            Assert.Equal(0, syncLosses);
            Assert.True(packets >= 500);
            Assert.NotEqual(-1, FirstStreamPid(run.Collected.Bytes()));
        }
        finally
        {
            if (!sender.HasExited) sender.Kill(entireProcessTree: true);
            await sender.WaitForExitAsync();
        }
    }

    [Fact]
    public void Bad_options_are_refused_naming_the_problem()
    {
        Assert.Contains("srt://", Assert.Throws<ArgumentException>(() => FfmpegIngestOptions.Srt("udp://127.0.0.1:9000")).Message);
        Assert.Contains("srt://", Assert.Throws<ArgumentException>(() => FfmpegIngestOptions.Srt("not a url")).Message);
        Assert.Contains("port", Assert.Throws<ArgumentException>(() => FfmpegIngestOptions.Srt("srt://head-end")).Message);
        Assert.Contains("path", Assert.Throws<ArgumentException>(() => FfmpegIngestOptions.LoopFile(" ")).Message);
        Assert.Contains("-i <input>", Assert.Throws<ArgumentException>(() => new FfmpegTsSource(new FfmpegIngestOptions(["-re", "file.ts"], "file"))).Message);
        Assert.Contains("describe", Assert.Throws<ArgumentException>(() => new FfmpegIngestOptions(["-i", "file.ts"], "").Validate()).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => (FfmpegIngestOptions.LoopFile("a.ts") with { BufferChunks = 1 }).Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => (FfmpegIngestOptions.LoopFile("a.ts") with { Restart = new BackoffPolicy { Initial = TimeSpan.Zero } }).Validate());
        Assert.Equal("srt://head-end:9000", FfmpegIngestOptions.Srt("srt://head-end:9000?mode=caller&passphrase=secret123").Description);
    }
}
