using System.Diagnostics;
using System.Globalization;

namespace Inspur.Media.Ffmpeg;

/// <summary>One ffmpeg run to start: arguments (never a shell string) and which pipes the caller wants.</summary>
public sealed record FfmpegJob(IReadOnlyList<string> Arguments)
{
    public string Executable { get; init; } = "ffmpeg";

    /// <summary>The caller writes the input to <see cref="FfmpegProcess.Input"/> (ffmpeg reads <c>pipe:0</c>).</summary>
    public bool PipeInput { get; init; }

    /// <summary>The caller reads the output from <see cref="FfmpegProcess.Output"/> (ffmpeg writes <c>pipe:1</c>).</summary>
    public bool PipeOutput { get; init; }
}

/// <summary>ffmpeg's <c>-progress</c> report.</summary>
public sealed record FfmpegProgress(long Frame, double Fps, TimeSpan OutTime, double Speed, long TotalSize, bool End);

/// <summary>How an ffmpeg run ended: exit code (or signal) and the last lines it wrote to stderr.</summary>
public sealed record FfmpegExit(int ExitCode, IReadOnlyList<string> StderrTail, bool Killed)
{
    public string Describe() => $"ffmpeg exited with {ExitCode}{(Killed ? " (killed)" : "")}: {string.Join(" | ", StderrTail.TakeLast(5))}";
}

/// <summary>
/// A running ffmpeg child process: progress parsed from <c>-progress pipe:2</c>, other stderr kept in a bounded tail,
/// optional stdin/stdout pipes, and a stop that escalates from 'q' to SIGKILL of the whole process tree. Disposing
/// always kills and reaps it, so no orphan or zombie outlives its owner.
/// </summary>
public sealed class FfmpegProcess : IAsyncDisposable
{
    public const int TailLines = 50;

    private readonly Process _process;
    private readonly Queue<string> _tail = new();
    private readonly Task _stderrPump;
    private readonly Action<FfmpegProgress>? _onProgress;
    private readonly Dictionary<string, string> _block = new();
    private volatile bool _killed;

    private FfmpegProcess(Process process, Action<FfmpegProgress>? onProgress)
    {
        _process = process;
        _onProgress = onProgress;
        _stderrPump = PumpStderr();
        Completion = WaitAsync();
    }

    public int Pid => _process.Id;

    /// <summary>ffmpeg's stdin, when the job pipes input.</summary>
    public Stream? Input { get; private init; }

    /// <summary>ffmpeg's stdout, when the job pipes output.</summary>
    public Stream? Output { get; private init; }

    public Task<FfmpegExit> Completion { get; }

    /// <summary>True once the process has exited and been reaped (safe after dispose).</summary>
    public bool HasExited => Completion.IsCompleted;

    public IReadOnlyList<string> StderrTail
    {
        get
        {
            lock (_tail) return _tail.ToList();
        }
    }

    public static FfmpegProcess Start(FfmpegJob job, Action<FfmpegProgress>? onProgress = null)
    {
        var info = new ProcessStartInfo(job.Executable)
        {
            RedirectStandardError = true,
            RedirectStandardInput = true,
            RedirectStandardOutput = job.PipeOutput,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("-hide_banner");
        info.ArgumentList.Add("-nostats");
        info.ArgumentList.Add("-progress");
        info.ArgumentList.Add("pipe:2");
        foreach (var arg in job.Arguments) info.ArgumentList.Add(arg);
        Process process;
        try
        {
            process = Process.Start(info) ?? throw new InvalidOperationException($"{job.Executable} did not start");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException($"cannot run {job.Executable}: {ex.Message} (is ffmpeg installed?)", ex);
        }

        if (!job.PipeInput) process.StandardInput.Close();
        return new FfmpegProcess(process, onProgress)
        {
            Input = job.PipeInput ? process.StandardInput.BaseStream : null,
            Output = job.PipeOutput ? process.StandardOutput.BaseStream : null,
        };
    }

    /// <summary>Asks ffmpeg to finish ('q' on stdin, else SIGTERM), then kills the tree after <paramref name="grace"/>.</summary>
    public async Task<FfmpegExit> StopAsync(TimeSpan grace)
    {
        if (!_process.HasExited)
        {
            try
            {
                if (Input is null)
                {
                    Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)])?.WaitForExit();
                }
                else
                {
                    Input.Close();
                }
            }
            catch (Exception ex) when (ex is IOException or InvalidOperationException)
            {
            }

            using var timeout = new CancellationTokenSource(grace);
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                Kill();
            }
        }

        return await Completion;
    }

    public void Kill()
    {
        if (_process.HasExited) return;
        _killed = true;
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        try
        {
            await Completion;
        }
        finally
        {
            _process.Dispose();
        }
    }

    private async Task<FfmpegExit> WaitAsync()
    {
        await _process.WaitForExitAsync();
        await _stderrPump;
        return new FfmpegExit(_process.ExitCode, StderrTail, _killed);
    }

    private async Task PumpStderr()
    {
        var reader = _process.StandardError;
        while (await reader.ReadLineAsync() is { } line)
        {
            var eq = line.IndexOf('=');
            if (eq > 0 && eq < 20 && !line.Contains(' '))
            {
                var key = line[..eq];
                _block[key] = line[(eq + 1)..];
                if (key == "progress") Report();
                continue;
            }

            lock (_tail)
            {
                _tail.Enqueue(line);
                while (_tail.Count > TailLines) _tail.Dequeue();
            }
        }
    }

    private void Report()
    {
        if (_onProgress is null) return;
        var inv = CultureInfo.InvariantCulture;
        long Long(string k) => _block.TryGetValue(k, out var v) && long.TryParse(v, NumberStyles.Integer, inv, out var n) ? n : 0;
        double Double(string k) => _block.TryGetValue(k, out var v) && double.TryParse(v.TrimEnd('x'), NumberStyles.Float, inv, out var d) ? d : 0;
        var outUs = Long("out_time_us");
        if (outUs == 0) outUs = Long("out_time_ms"); // ffmpeg 5 reports microseconds under both names
        _onProgress(new FfmpegProgress(Long("frame"), Double("fps"), TimeSpan.FromTicks(Math.Max(0, outUs) * 10), Double("speed"),
            Long("total_size"), _block.GetValueOrDefault("progress") == "end"));
    }
}
