namespace Inspur.Media.Ffmpeg;

/// <summary>Restart policy: exponential backoff with jitter, reset after a stable run.</summary>
public sealed record BackoffPolicy
{
    public TimeSpan Initial { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan Max { get; init; } = TimeSpan.FromSeconds(30);
    public double Factor { get; init; } = 2;

    /// <summary>Random spread added to each delay, as a fraction of it (0–1).</summary>
    public double Jitter { get; init; } = 0.2;

    /// <summary>A run at least this long resets the delay to <see cref="Initial"/>.</summary>
    public TimeSpan ResetAfter { get; init; } = TimeSpan.FromMinutes(1);

    public void Validate()
    {
        if (Initial <= TimeSpan.Zero || Max < Initial) throw new ArgumentOutOfRangeException(nameof(Initial), "backoff needs 0 < Initial <= Max");
        if (Factor < 1) throw new ArgumentOutOfRangeException(nameof(Factor), Factor, "factor must be at least 1");
        if (Jitter is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(Jitter), Jitter, "jitter must be 0–1");
    }
}

/// <summary>What a supervisor reports, so a channel can raise and clear alarms.</summary>
public abstract record SupervisorEvent
{
    public sealed record Starting(int Attempt) : SupervisorEvent;
    public sealed record Running(int Pid) : SupervisorEvent;
    public sealed record Exited(FfmpegExit Exit, TimeSpan RanFor) : SupervisorEvent;
    public sealed record Backoff(TimeSpan Delay) : SupervisorEvent;
    public sealed record StartFailed(string Reason) : SupervisorEvent;
    public sealed record Stopped : SupervisorEvent;
}

/// <summary>
/// Keeps one ffmpeg job running: starts it, lets the caller attach to it (feed stdin, read stdout), restarts it with
/// backoff whenever it ends, and stops it (and everything it started) on <see cref="StopAsync"/>.
/// </summary>
public sealed class FfmpegSupervisor : IAsyncDisposable
{
    private readonly Func<FfmpegJob> _job;
    private readonly Func<FfmpegProcess, CancellationToken, Task>? _attach;
    private readonly Action<SupervisorEvent> _onEvent;
    private readonly BackoffPolicy _backoff;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop = new();
    private readonly Random _random = new();
    private Task? _loop;

    public FfmpegSupervisor(Func<FfmpegJob> job, Action<SupervisorEvent> onEvent, BackoffPolicy? backoff = null,
        Func<FfmpegProcess, CancellationToken, Task>? attach = null, TimeProvider? time = null)
    {
        _job = job;
        _onEvent = onEvent;
        _attach = attach;
        _backoff = backoff ?? new BackoffPolicy();
        _backoff.Validate();
        _time = time ?? TimeProvider.System;
    }

    public int Restarts { get; private set; }

    public void Start() => _loop ??= Task.Run(RunAsync);

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null) await _loop;
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    /// <summary>The delay before restart number <paramref name="failures"/> (1-based), jitter included.</summary>
    public TimeSpan DelayFor(int failures)
    {
        var raw = _backoff.Initial.TotalMilliseconds * Math.Pow(_backoff.Factor, Math.Max(0, failures - 1));
        var capped = Math.Min(raw, _backoff.Max.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped * (1 + _backoff.Jitter * _random.NextDouble()));
    }

    private async Task RunAsync()
    {
        var failures = 0;
        var attempt = 0;
        while (!_stop.IsCancellationRequested)
        {
            _onEvent(new SupervisorEvent.Starting(++attempt));
            var started = _time.GetTimestamp();
            try
            {
                await using var process = FfmpegProcess.Start(_job());
                _onEvent(new SupervisorEvent.Running(process.Pid));
                using var stopping = _stop.Token.Register(process.Kill);
                var attached = _attach?.Invoke(process, _stop.Token) ?? Task.CompletedTask;
                var exit = await process.Completion;
                try
                {
                    await attached;
                }
                catch (Exception ex) when (ex is OperationCanceledException or IOException)
                {
                }

                var ranFor = _time.GetElapsedTime(started);
                _onEvent(new SupervisorEvent.Exited(exit, ranFor));
                failures = ranFor >= _backoff.ResetAfter ? 1 : failures + 1;
            }
            catch (InvalidOperationException ex)
            {
                _onEvent(new SupervisorEvent.StartFailed(ex.Message));
                failures++;
            }

            if (_stop.IsCancellationRequested) break;
            Restarts++;
            var delay = DelayFor(failures);
            _onEvent(new SupervisorEvent.Backoff(delay));
            try
            {
                await Task.Delay(delay, _time, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        _onEvent(new SupervisorEvent.Stopped());
    }
}
