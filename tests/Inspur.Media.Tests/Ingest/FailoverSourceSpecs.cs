using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Akka.Actor;
using Akka.IO;
using Akka.Streams;
using Akka.Streams.Dsl;
using Inspur.Media.Ingest;
using static Inspur.Media.Tests.Ingest.IngestTesting;

namespace Inspur.Media.Tests.Ingest;

/// <summary>The failover rules on a hand-moved clock, its failure handling, and a real two-UDP-feed failover and return.</summary>
public sealed class FailoverSourceSpecs : IAsyncLifetime
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    private ActorSystem _system = null!;

    public Task InitializeAsync()
    {
        _system = ActorSystem.Create("failover-specs", "akka.loglevel = WARNING");
        return Task.CompletedTask;
    }

    public Task DisposeAsync() => _system.Terminate();

    /// <summary>An input the spec writes two-byte chunks to ('p' or 'b' and a number), or fails (with the error as it is, not wrapped).</summary>
    private sealed class Input(char tag)
    {
        private readonly Channel<ByteString> _channel = Channel.CreateUnbounded<ByteString>();
        private byte _next;

        public IngestStats Stats { get; } = new();

        public Source<ByteString, IngestStats> Source => ChannelSource.FromReader(_channel.Reader)
            .RecoverWithRetries(error => Akka.Streams.Dsl.Source.Failed<ByteString>(error.GetBaseException()), 1)
            .MapMaterializedValue(_ => Stats);

        public string Send() => Send(1)[0];

        public List<string> Send(int count)
        {
            var sent = new List<string>();
            for (var i = 0; i < count; i++)
            {
                var chunk = new[] { (byte)tag, _next++ };
                _channel.Writer.TryWrite(ByteString.FromBytes(chunk));
                sent.Add(Name(chunk));
            }

            return sent;
        }

        public void Fail(string message) => _channel.Writer.Complete(new IOException(message));
    }

    private static string Name(byte[] chunk) => $"{(char)chunk[0]}{chunk[1]}";

    private static FailoverOptions Fast => new() { CheckEvery = TimeSpan.FromMilliseconds(10) };

    private (FailoverState State, UniqueKillSwitch Kill, Task<Akka.Done> Done, Collected Out) Run(Source<ByteString, FailoverState> source)
    {
        var collected = new Collected();
        var ((state, kill), done) = source.ViaMaterialized(KillSwitches.Single<ByteString>(), Keep.Both)
            .ToMaterialized(collected.Sink, Keep.Both)
            .Run(_system.Materializer());
        return (state, kill, done, collected);
    }

    private static List<string> Names(Collected collected, int from = 0) => collected.Chunks(from).Select(Name).ToList();

    [Fact]
    public async Task A_silent_primary_hands_over_to_a_delivering_backup_after_SwitchAfter()
    {
        var clock = new ManualClock();
        var (primary, backup) = (new Input('p'), new Input('b'));
        var (state, kill, _, output) = Run(FailoverSource.Create(primary.Source, backup.Source, Fast, clock));

        var sent = primary.Send(3);
        backup.Send(3);
        await Until(() => output.Count == 3, () => $"{output.Count} chunks out");
        clock.Advance(2 * Second);
        backup.Send();
        await clock.Observed();
        Assert.Equal(FailoverInput.Primary, state.Active);

        // 3.5 s of primary silence with the backup's last chunk 1.5 s old: the next check switches, with no new chunk needed.
        // (A chunk sent now could arrive before or after that check, and would be dropped or aired accordingly.)
        clock.Advance(1.5 * Second);
        await Until(() => state.Active == FailoverInput.Backup, () => $"still {state.Active}");
        var switchedAt = clock.GetUtcNow();
        sent.AddRange(backup.Send(3));
        await Until(() => output.Count == 6, () => string.Join(",", Names(output)));
        kill.Shutdown();

        Assert.Equal(sent, Names(output));
        Assert.Equal(1, state.Switches);
        Assert.Equal(switchedAt, state.LastSwitch);
        Assert.Same(primary.Stats, state.Primary);
        Assert.Same(backup.Stats, state.Backup);
    }

    [Fact]
    public async Task A_silent_primary_stays_on_air_when_the_backup_is_silent_too()
    {
        var clock = new ManualClock();
        var (primary, backup) = (new Input('p'), new Input('b'));
        var (state, kill, _, output) = Run(FailoverSource.Create(primary.Source, backup.Source, Fast, clock));
        primary.Send();
        backup.Send();
        await Until(() => output.Count == 1, () => $"{output.Count} chunks out");

        clock.Advance(10 * Second);
        await clock.Observed();

        Assert.Equal(FailoverInput.Primary, state.Active);
        Assert.Equal(0, state.Switches);
        Assert.Null(state.LastSwitch);
        Assert.Equal(["p0"], Names(output));
        kill.Shutdown();
    }

    [Fact]
    public async Task A_returning_primary_goes_back_on_air_only_after_ReturnAfter_without_gaps()
    {
        var clock = new ManualClock();
        var (primary, backup) = (new Input('p'), new Input('b'));
        var (state, kill, _, output) = Run(FailoverSource.Create(primary.Source, backup.Source, Fast, clock));
        await Deliver(0, primary);
        await Deliver(4, backup);
        await Until(() => state.Active == FailoverInput.Backup, () => $"still {state.Active}");
        var onBackup = output.Count;

        // Back at 4.5 s, steady until 10.5 s (it would be due at 14.5 s), then a 1.5 s gap: the steady run restarts at 12 s.
        for (var i = 0; i < 13; i++) await Deliver(0.5, primary, backup);
        await Deliver(1.5, primary, backup);
        for (var i = 0; i < 19; i++) await Deliver(0.5, primary, backup);
        Assert.Equal(FailoverInput.Backup, state.Active);
        Assert.Equal(1, state.Switches);

        await Deliver(0.5, backup); // 22 s: the primary has been steady for 10 s, with its last chunk 0.5 s ago
        await Until(() => state.Active == FailoverInput.Primary, () => $"still {state.Active}");
        var onPrimary = output.Count;
        var sent = primary.Send(2);
        backup.Send(2);
        await Until(() => output.Count >= onPrimary + 2, () => string.Join(",", Names(output, onPrimary)));
        await clock.Observed();
        kill.Shutdown();

        Assert.Equal(sent, Names(output, onPrimary));
        Assert.All(Names(output, onBackup).Take(onPrimary - onBackup), n => Assert.StartsWith("b", n));
        Assert.Equal(2, state.Switches);
        Assert.Equal(clock.GetUtcNow(), state.LastSwitch);

        async Task Deliver(double seconds, params Input[] inputs)
        {
            clock.Advance(seconds * Second);
            foreach (var input in inputs) input.Send();
            await clock.Observed();
        }
    }

    [Fact]
    public async Task A_dead_backup_hands_back_to_a_delivering_primary_before_ReturnAfter()
    {
        var clock = new ManualClock();
        var (primary, backup) = (new Input('p'), new Input('b'));
        var (state, kill, _, _) = Run(FailoverSource.Create(primary.Source, backup.Source, Fast, clock));
        primary.Send();
        await clock.Observed();
        clock.Advance(4 * Second);
        backup.Send();
        await Until(() => state.Active == FailoverInput.Backup, () => $"still {state.Active}");

        for (var i = 0; i < 8; i++)
        {
            clock.Advance(0.5 * Second);
            primary.Send();
            await clock.Observed();
        }

        await Until(() => state.Active == FailoverInput.Primary, () => $"still {state.Active} with a silent backup");
        Assert.Equal(2, state.Switches);
        kill.Shutdown();
    }

    [Fact]
    public async Task A_stalled_consumer_is_not_mistaken_for_a_silent_primary()
    {
        var clock = new ManualClock();
        var (primary, backup) = (new Input('p'), new Input('b'));
        var (state, queue) = FailoverSource.Create(primary.Source, backup.Source, Fast, clock)
            .ToMaterialized(Sink.Queue<ByteString>().WithAttributes(Attributes.CreateInputBuffer(1, 1)), Keep.Both)
            .Run(_system.Materializer());

        var sent = primary.Send(5);
        await clock.Observed();
        clock.Advance(5 * Second);
        backup.Send();
        await clock.Observed();
        Assert.Equal(FailoverInput.Primary, state.Active);

        var received = new List<string>();
        for (var i = 0; i < 5; i++) received.Add(Name((await queue.PullAsync()).Value.ToArray()));
        Assert.Equal(sent, received);
        Assert.Equal(0, state.Switches);
    }

    [Fact]
    public async Task A_failed_input_is_reported_and_the_other_carries_on()
    {
        var (primary, backup) = (new Input('p'), new Input('b'));
        var (state, kill, done, output) = Run(FailoverSource.Create(primary.Source, backup.Source, Fast));
        backup.Fail("backup port in use");
        primary.Send(2);
        await Until(() => output.Count == 2 && state.BackupError is not null, () => $"{output.Count} out, backup error {state.BackupError}");
        Assert.Equal("backup port in use", state.BackupError!.Message);
        Assert.Equal(FailoverInput.Primary, state.Active);
        kill.Shutdown();

        (primary, backup) = (new Input('p'), new Input('b'));
        (state, kill, done, output) = Run(FailoverSource.Create(primary.Source, backup.Source, Fast));
        primary.Fail("primary port in use");
        await Until(() => state.Active == FailoverInput.Backup, () => $"still {state.Active}");
        var sent = backup.Send(2);
        await Until(() => output.Count == 2, () => $"{output.Count} out, active {state.Active}");

        Assert.Equal("primary port in use", state.PrimaryError!.Message);
        Assert.Equal(FailoverInput.Backup, state.Active);
        Assert.Equal(1, state.Switches);
        Assert.Equal(sent, Names(output));
        Assert.False(done.IsCompleted);
        kill.Shutdown();
    }

    [Fact]
    public async Task Both_inputs_failing_fails_the_source_naming_both()
    {
        using var first = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        using var second = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        first.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        second.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var (p, b) = (((IPEndPoint)first.LocalEndPoint!).Port, ((IPEndPoint)second.LocalEndPoint!).Port);

        var (state, _, done, _) = Run(FailoverSource.Create(Udp(p), Udp(b), Fast));

        var error = await Assert.ThrowsAsync<IOException>(() => done.WaitAsync(Patience));
        Assert.Contains("both ingest inputs are down", error.Message);
        Assert.Contains($"port {p}", error.Message);
        Assert.Contains($"port {b}", error.Message);
        Assert.Contains($"port {p}", state.PrimaryError!.Message);
        Assert.Contains($"port {b}", state.BackupError!.Message);
    }

    [Fact]
    public async Task A_single_input_is_passed_through_and_its_failure_is_the_stream_failure()
    {
        var primary = new Input('p');
        var (state, kill, done, output) = Run(FailoverSource.Create(primary.Source));
        var sent = primary.Send(3);
        await Until(() => output.Count == 3, () => $"{output.Count} out");
        Assert.Equal(sent, Names(output));
        Assert.Same(primary.Stats, state.Primary);
        Assert.Null(state.Backup);

        primary.Fail("primary gone");
        var error = await Assert.ThrowsAsync<IOException>(() => done.WaitAsync(Patience));
        Assert.Equal("primary gone", error.Message);
        await Until(() => state.PrimaryError is not null, () => "no primary error");
        Assert.Equal(FailoverInput.Primary, state.Active);
        kill.Shutdown();
    }

    [Fact]
    public void Options_are_validated()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new FailoverOptions { SwitchAfter = TimeSpan.Zero }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new FailoverOptions { ReturnAfter = -Second }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new FailoverOptions { SteadyGap = TimeSpan.Zero }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => FailoverSource.Create(new Input('p').Source, null, new FailoverOptions { CheckEvery = TimeSpan.Zero }));
        Assert.Throws<ArgumentNullException>(() => FailoverSource.Create(null!));
    }

    private static Source<ByteString, IngestStats> Udp(int port) =>
        Source.FromGraph(new UdpTsSource(new UdpIngestOptions(port) { BindAddress = IPAddress.Loopback }));

    private static int Origin(byte[] chunk) => FirstStreamPid(chunk) switch
    {
        >= 0x100 and < 0x200 => 'p',
        >= 0x200 and < 0x300 => 'b',
        _ => '?',
    };

    [Fact]
    public async Task Two_real_udp_feeds_fail_over_and_back()
    {
        var (primaryTs, backupTs) = (await Tagged(0x100), await Tagged(0x200));
        var (p, b) = (FreeUdpPort(), FreeUdpPort());
        var options = new FailoverOptions { SwitchAfter = Second, ReturnAfter = 2 * Second };
        var (state, kill, _, output) = Run(FailoverSource.Create(Udp(p), Udp(b), options));
        await using var backupFeed = new UdpReplay(backupTs, b);
        await using var primaryFeed = new UdpReplay(primaryTs, p);

        List<int> From(int index) => output.Chunks(index).Select(Origin).Where(o => o != '?').ToList();
        string Describe() => $"{state.Active} after {state.Switches} switches, {output.Count} chunks out, primary {state.Primary.Datagrams}, backup {state.Backup!.Datagrams}";

        await Until(() => From(0).Count >= 50, Describe);
        Assert.All(From(0), o => Assert.Equal('p', o));
        Assert.Equal(FailoverInput.Primary, state.Active);

        await primaryFeed.DisposeAsync();
        await Until(() => state.Active == FailoverInput.Backup, Describe);
        var onBackup = output.Count;
        await Until(() => From(onBackup).Count >= 50, Describe);
        Assert.All(From(onBackup), o => Assert.Equal('b', o));

        var backAt = DateTimeOffset.UtcNow;
        await using var returned = new UdpReplay(primaryTs, p);
        await Until(() => state.Active == FailoverInput.Primary, Describe);
        var onPrimary = output.Count;
        var backupBefore = state.Backup!.Datagrams;
        await Until(() => From(onPrimary).Count >= 50 && state.Backup!.Datagrams > backupBefore + 50, Describe);
        kill.Shutdown();

        Assert.All(From(onPrimary), o => Assert.Equal('p', o));
        Assert.Equal(2, state.Switches);
        Assert.True(state.LastSwitch - backAt >= options.ReturnAfter, $"back on the primary {state.LastSwitch - backAt} after it returned");
        Assert.Equal(0, state.Primary.Dropped + state.Backup!.Dropped);
    }
}
