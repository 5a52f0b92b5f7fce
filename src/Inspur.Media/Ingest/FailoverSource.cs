using Akka.IO;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.Stage;

namespace Inspur.Media.Ingest;

/// <summary>Which of a channel's two inputs is on air.</summary>
public enum FailoverInput
{
    Primary,
    Backup,
}

/// <summary>When a failover source leaves a silent primary and when it trusts a returning one again.</summary>
public sealed record FailoverOptions
{
    /// <summary>Primary silent this long while the backup delivered within it: go to the backup.</summary>
    public TimeSpan SwitchAfter { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Primary steady this long (no gap over <see cref="SteadyGap"/>) while on the backup: go back.</summary>
    public TimeSpan ReturnAfter { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest pause a steady input may have.</summary>
    public TimeSpan SteadyGap { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How often silence is looked for when nothing arrives.</summary>
    public TimeSpan CheckEvery { get; init; } = TimeSpan.FromMilliseconds(100);

    public void Validate()
    {
        if (SwitchAfter <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(SwitchAfter), SwitchAfter, "must be positive");
        if (ReturnAfter <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(ReturnAfter), ReturnAfter, "must be positive");
        if (SteadyGap <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(SteadyGap), SteadyGap, "must be positive");
        if (CheckEvery <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(CheckEvery), CheckEvery, "must be positive");
    }
}

/// <summary>What a failover source is doing, safe to read from any thread (alarms, status pages).</summary>
public sealed class FailoverState
{
    private int _active;
    private long _switches;
    private long _lastSwitchTicks;
    private IngestStats? _primary;
    private IngestStats? _backup;
    private Exception? _primaryError;
    private Exception? _backupError;

    internal FailoverState()
    {
    }

    public FailoverInput Active => (FailoverInput)Volatile.Read(ref _active);

    public long Switches => Interlocked.Read(ref _switches);

    /// <summary>When the active input last changed, or null when it never has.</summary>
    public DateTimeOffset? LastSwitch
    {
        get
        {
            var ticks = Interlocked.Read(ref _lastSwitchTicks);
            return ticks == 0 ? null : new DateTimeOffset(ticks, TimeSpan.Zero);
        }
    }

    /// <summary>The primary input's counters.</summary>
    public IngestStats Primary => Volatile.Read(ref _primary)!;

    /// <summary>The backup input's counters, or null when there is no backup.</summary>
    public IngestStats? Backup => Volatile.Read(ref _backup);

    /// <summary>Why the primary input failed, or null while it has not.</summary>
    public Exception? PrimaryError => Volatile.Read(ref _primaryError);

    /// <summary>Why the backup input failed, or null while it has not.</summary>
    public Exception? BackupError => Volatile.Read(ref _backupError);

    internal FailoverState Attach(IngestStats primary, IngestStats? backup)
    {
        Volatile.Write(ref _primary, primary);
        Volatile.Write(ref _backup, backup);
        return this;
    }

    internal void Switched(FailoverInput to, DateTimeOffset now)
    {
        Interlocked.Exchange(ref _lastSwitchTicks, now.UtcTicks);
        Volatile.Write(ref _active, (int)to);
        Interlocked.Increment(ref _switches);
    }

    internal void Failed(FailoverInput input, Exception error)
    {
        if (input == FailoverInput.Primary) Volatile.Write(ref _primaryError, error);
        else Volatile.Write(ref _backupError, error);
    }
}

/// <summary>
/// One channel input made of a primary and a backup source: both are always consumed (so the primary's return is
/// seen), only the active one's chunks go downstream, and the switch happens between chunks. Besides the
/// <see cref="FailoverOptions"/> rules, a silent backup hands back to a delivering primary at once, and a failed or
/// finished input moves the channel to the other one at once; the whole source fails only when both have failed.
/// </summary>
public static class FailoverSource
{
    /// <summary>Combines <paramref name="primary"/> and <paramref name="backup"/>; with no backup, <paramref name="primary"/> as it is.</summary>
    public static Source<ByteString, FailoverState> Create(Source<ByteString, IngestStats> primary, Source<ByteString, IngestStats>? backup = null,
        FailoverOptions? options = null, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(primary);
        options ??= new FailoverOptions();
        options.Validate();
        if (backup is null)
        {
            return primary.WatchTermination((stats, done) =>
            {
                var state = new FailoverState().Attach(stats, null);
                done.ContinueWith(t => state.Failed(FailoverInput.Primary, t.Exception!.GetBaseException()), TaskContinuationOptions.OnlyOnFaulted);
                return state;
            });
        }

        return Source.FromGraph(GraphDsl.Create(primary, backup, new FailoverStage(options, clock ?? TimeProvider.System),
            (p, b, state) => state.Attach(p, b),
            (builder, p, b, failover) =>
            {
                builder.From(p.Outlet).To(failover.In(0));
                builder.From(b.Outlet).To(failover.In(1));
                return new SourceShape<ByteString>(failover.Out);
            }));
    }

    private sealed class FailoverStage(FailoverOptions options, TimeProvider clock)
        : GraphStageWithMaterializedValue<UniformFanInShape<ByteString, ByteString>, FailoverState>
    {
        public FailoverOptions Options { get; } = options;

        public TimeProvider Clock { get; } = clock;

        public override UniformFanInShape<ByteString, ByteString> Shape { get; } = new(2, "failover");

        public override ILogicAndMaterializedValue<FailoverState> CreateLogicAndMaterializedValue(Attributes inheritedAttributes)
        {
            var state = new FailoverState();
            return new LogicAndMaterializedValue<FailoverState>(new Logic(this, state), state);
        }

        /// <summary>What the stage knows of one input, in <see cref="TimeProvider"/> timestamps.</summary>
        private sealed class Input(Inlet<ByteString> inlet, FailoverInput name)
        {
            public const long Never = long.MinValue;

            public Inlet<ByteString> Inlet { get; } = inlet;

            public FailoverInput Name { get; } = name;

            public long LastChunk { get; set; } = Never;

            /// <summary>Since when we have been waiting for it: its last chunk, or when we last asked after not asking.</summary>
            public long WaitingSince { get; set; }

            /// <summary>Start of its current run of chunks with no gap over the steady gap, or <see cref="Never"/>.</summary>
            public long SteadySince { get; set; } = Never;

            public bool Closed { get; set; }

            public Exception? Error { get; set; }
        }

        private sealed class Logic : TimerGraphStageLogic
        {
            private readonly FailoverStage _stage;
            private readonly FailoverState _state;
            private readonly Input[] _inputs;
            private readonly long _switchAfter;
            private readonly long _returnAfter;
            private readonly long _steadyGap;
            private FailoverInput _active = FailoverInput.Primary;
            private ByteString? _pending;

            public Logic(FailoverStage stage, FailoverState state) : base(stage.Shape)
            {
                _stage = stage;
                _state = state;
                _inputs = [new Input(stage.Shape.In(0), FailoverInput.Primary), new Input(stage.Shape.In(1), FailoverInput.Backup)];
                _switchAfter = Ticks(stage.Options.SwitchAfter);
                _returnAfter = Ticks(stage.Options.ReturnAfter);
                _steadyGap = Ticks(stage.Options.SteadyGap);
                foreach (var input in _inputs)
                {
                    SetHandler(input.Inlet,
                        onPush: () => OnChunk(input),
                        onUpstreamFinish: () => OnClosed(input, null),
                        onUpstreamFailure: error => OnClosed(input, error));
                }

                SetHandler(stage.Shape.Out, onPull: OnPull);
            }

            private TimeProvider Clock => _stage.Clock;

            private Input Active => _inputs[(int)_active];

            public override void PreStart()
            {
                var now = Clock.GetTimestamp();
                foreach (var input in _inputs)
                {
                    input.WaitingSince = now;
                    Pull(input.Inlet);
                }

                ScheduleRepeatedly("check", _stage.Options.CheckEvery);
            }

            protected override void OnTimer(object timerKey) => Decide(Clock.GetTimestamp());

            private void OnChunk(Input input)
            {
                var chunk = Grab(input.Inlet);
                var now = Clock.GetTimestamp();
                if (input.LastChunk == Input.Never || now - input.LastChunk > _steadyGap) input.SteadySince = now;
                input.LastChunk = now;
                input.WaitingSince = now;

                // The active input is pulled only while nothing of it waits for downstream; the other one always.
                if (input != Active)
                {
                    AskFor(input);
                }
                else if (IsAvailable(_stage.Shape.Out))
                {
                    Push(_stage.Shape.Out, chunk);
                    AskFor(input);
                }
                else
                {
                    _pending = chunk;
                }

                Decide(now);
            }

            private void OnPull()
            {
                if (_pending is not { } chunk) return;
                _pending = null;
                Push(_stage.Shape.Out, chunk);
                AskFor(Active);
            }

            private void OnClosed(Input input, Exception? error)
            {
                input.Closed = true;
                input.Error = error;
                if (error is not null) _state.Failed(input.Name, error);
                var other = _inputs[1 - (int)input.Name];
                if (other.Closed)
                {
                    var primary = _inputs[0].Error;
                    var backup = _inputs[1].Error;
                    if (primary is null && backup is null) CompleteStage();
                    else
                        FailStage(new IOException(
                            $"both ingest inputs are down: primary {primary?.Message ?? "ended"}; backup {backup?.Message ?? "ended"}",
                            new AggregateException(new[] { primary, backup }.OfType<Exception>())));
                    return;
                }

                if (input == Active) SwitchTo(other);
            }

            /// <summary>Applies the switching rules at <paramref name="now"/>.</summary>
            private void Decide(long now)
            {
                var primary = _inputs[0];
                var backup = _inputs[1];
                if (_active == FailoverInput.Primary)
                {
                    if (Silent(primary, now) && Delivering(backup, now)) SwitchTo(backup);
                }
                else if (Steady(primary, now) || (Silent(backup, now) && Delivering(primary, now)))
                {
                    SwitchTo(primary);
                }
            }

            /// <summary>Closed, or asked for a chunk and none came for the switch time (a stalled downstream is not silence).</summary>
            private bool Silent(Input input, long now) =>
                input.Closed || (HasBeenPulled(input.Inlet) && now - input.WaitingSince >= _switchAfter);

            private bool Delivering(Input input, long now) =>
                !input.Closed && input.LastChunk != Input.Never && now - input.LastChunk < _switchAfter;

            private bool Steady(Input input, long now) =>
                !input.Closed && input.SteadySince != Input.Never && now - input.LastChunk <= _steadyGap && now - input.SteadySince >= _returnAfter;

            private void SwitchTo(Input input)
            {
                _active = input.Name;
                _pending = null; // the old input's chunk is not the new one's to send
                _state.Switched(input.Name, Clock.GetUtcNow());
                foreach (var each in _inputs) AskFor(each);
            }

            private void AskFor(Input input)
            {
                if (input.Closed || HasBeenPulled(input.Inlet)) return;
                input.WaitingSince = Math.Max(input.WaitingSince, Clock.GetTimestamp());
                Pull(input.Inlet);
            }

            private long Ticks(TimeSpan span) => (long)(span.TotalSeconds * Clock.TimestampFrequency);
        }
    }
}
