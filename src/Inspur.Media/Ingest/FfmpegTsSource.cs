using Akka.IO;
using Akka.Streams;
using Akka.Streams.Stage;
using Inspur.Media.Ffmpeg;

namespace Inspur.Media.Ingest;

/// <summary>An input our own code does not read (a looping file, SRT, MP4), named by the ffmpeg arguments that open it.</summary>
public sealed record FfmpegIngestOptions
{
    /// <param name="inputArguments">ffmpeg's input options up to and including <c>-i &lt;input&gt;</c>.</param>
    /// <param name="description">What the input is, for errors and alarms (no credentials).</param>
    public FfmpegIngestOptions(IReadOnlyList<string> inputArguments, string description)
    {
        InputArguments = inputArguments;
        Description = description;
    }

    public IReadOnlyList<string> InputArguments { get; }

    public string Description { get; }

    public string Executable { get; init; } = "ffmpeg";

    /// <summary>Restarts after ffmpeg ends: 1 s doubling to 10 s, back to 1 s after a 30 s run.</summary>
    public BackoffPolicy Restart { get; init; } = new() { Initial = TimeSpan.FromSeconds(1), Max = TimeSpan.FromSeconds(10), ResetAfter = TimeSpan.FromSeconds(30) };

    /// <summary>Chunks of ffmpeg's output (one per pipe read) buffered while downstream is busy.</summary>
    public int BufferChunks { get; init; } = 256;

    /// <summary>A file played in real time over and over (TS or MP4; MP4 is remuxed to TS).</summary>
    public static FfmpegIngestOptions LoopFile(string path)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new ArgumentException("a looping file needs a path", nameof(path));
        return new FfmpegIngestOptions(["-re", "-stream_loop", "-1", "-i", path], path);
    }

    /// <summary>An SRT feed, e.g. <c>srt://head-end:9000?mode=caller</c> or <c>srt://0.0.0.0:9000?mode=listener</c>.</summary>
    public static FfmpegIngestOptions Srt(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != "srt")
            throw new ArgumentException($"'{url}' is not an srt:// URL", nameof(url));
        if (uri.Port <= 0) throw new ArgumentException($"'{url}' names no port", nameof(url));
        return new FfmpegIngestOptions(["-i", url], $"srt://{uri.Authority}");
    }

    /// <summary>The whole ffmpeg command line (after the process's own options): every input stream copied into TS on stdout.</summary>
    public IReadOnlyList<string> Arguments() =>
        ["-loglevel", "warning", .. InputArguments, "-map", "0", "-c", "copy", "-f", "mpegts", "pipe:1"];

    public void Validate()
    {
        if (InputArguments is null || InputArguments.Count < 2) throw new ArgumentException("ffmpeg input arguments need at least -i <input>", nameof(InputArguments));
        var i = InputArguments.ToList().LastIndexOf("-i");
        if (i < 0 || i != InputArguments.Count - 2 || string.IsNullOrWhiteSpace(InputArguments[^1]))
            throw new ArgumentException($"ffmpeg input arguments must end with -i <input>: {string.Join(' ', InputArguments)}", nameof(InputArguments));
        if (string.IsNullOrWhiteSpace(Description)) throw new ArgumentException("describe the input for alarms", nameof(Description));
        if (BufferChunks < 16) throw new ArgumentOutOfRangeException(nameof(BufferChunks), BufferChunks, "buffer at least 16 chunks");
        ArgumentNullException.ThrowIfNull(Restart);
        Restart.Validate();
    }
}

/// <summary>
/// An Akka.Streams source of the TS a supervised ffmpeg copies to its stdout from an input we do not read ourselves.
/// ffmpeg ending (or failing to start) is recorded in the materialized <see cref="IngestStats"/> (<c>LastError</c>, and
/// <c>Reconnects</c> per restart) and it is restarted with backoff, so the source never completes or fails by itself.
/// Like HTTP it does not drop: a full buffer stops reading the pipe, which pauses ffmpeg. Downstream cancelling stops
/// the supervisor, which kills and reaps ffmpeg.
/// </summary>
public sealed class FfmpegTsSource : GraphStageWithMaterializedValue<SourceShape<ByteString>, IngestStats>
{
    private const int ReadBytes = 64 * 1024;

    private readonly Outlet<ByteString> _out = new("ffmpeg.out");
    private readonly Action<SupervisorEvent>? _onEvent;

    /// <param name="onEvent">Sees every supervisor event (e.g. to log, or to learn ffmpeg's pid); called off the stream.</param>
    public FfmpegTsSource(FfmpegIngestOptions options, Action<SupervisorEvent>? onEvent = null, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        Clock = clock ?? TimeProvider.System;
        _onEvent = onEvent;
        Shape = new SourceShape<ByteString>(_out);
    }

    public FfmpegIngestOptions Options { get; }

    public TimeProvider Clock { get; }

    public override SourceShape<ByteString> Shape { get; }

    public override ILogicAndMaterializedValue<IngestStats> CreateLogicAndMaterializedValue(Attributes inheritedAttributes)
    {
        var logic = new Logic(this);
        return new LogicAndMaterializedValue<IngestStats>(logic, logic.Stats);
    }

    private sealed class Logic(FfmpegTsSource stage)
        : BufferedSourceLogic(stage.Shape, stage.Options.BufferChunks, dropWhenFull: false, stage.Clock)
    {
        private readonly byte[] _buffer = new byte[ReadBytes];
        private FfmpegSupervisor? _supervisor;

        protected override void Begin()
        {
            var options = stage.Options;
            var job = new FfmpegJob(options.Arguments()) { Executable = options.Executable, PipeOutput = true };
            _supervisor = new FfmpegSupervisor(() => job, OnEvent, options.Restart, Attach, Clock);
            _supervisor.Start();
        }

        protected override void Stopped() => _ = _supervisor?.StopAsync();

        private void OnEvent(SupervisorEvent e)
        {
            switch (e)
            {
                case SupervisorEvent.Starting { Attempt: > 1 }:
                    Stats.Reconnecting();
                    break;
                case SupervisorEvent.Exited exited when !Stopping.IsCancellationRequested:
                    Stats.Failed($"{stage.Options.Description}: {exited.Exit.Describe()}");
                    break;
                case SupervisorEvent.StartFailed failed:
                    Stats.Failed($"{stage.Options.Description}: {failed.Reason}");
                    break;
            }

            stage._onEvent?.Invoke(e);
        }

        /// <summary>Copies one ffmpeg run's stdout into the buffer until it ends; one run at a time, so one read buffer.</summary>
        private async Task Attach(FfmpegProcess process, CancellationToken supervisorStopping)
        {
            var output = process.Output!;
            try
            {
                while (true)
                {
                    var read = await output.ReadAsync(_buffer, Stopping);
                    if (read == 0) return;
                    await OfferAsync(ByteString.CopyFrom(_buffer, 0, read));
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException)
            {
            }
            catch (Exception ex)
            {
                Fail(new IOException($"reading ffmpeg's output for {stage.Options.Description} failed: {ex.Message}", ex));
            }
        }
    }
}
