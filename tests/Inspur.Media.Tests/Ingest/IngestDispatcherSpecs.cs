using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Dispatch;
using Akka.IO;
using Akka.Streams;
using Akka.Streams.Dsl;
using Inspur.Media.Ingest;

namespace Inspur.Media.Tests.Ingest;

/// <summary>
/// The ingest dispatcher on a real actor system: stream actors and plain actors on it run on the UDP poller's thread,
/// work posted from other threads wakes it whether or not it has sockets, and a throwing work item does not end it.
/// Each spec uses a tick no other spec uses, so it has a poller of its own.
/// </summary>
public sealed class IngestDispatcherSpecs : IAsyncLifetime
{
    private ActorSystem _system = null!;

    public Task InitializeAsync()
    {
        _system = WithDispatcher("ingest-dispatcher-specs", tickMs: 13);
        return Task.CompletedTask;
    }

    private static ActorSystem WithDispatcher(string name, int tickMs) => ActorSystem.Create(name,
        Akka.Configuration.ConfigurationFactory.ParseString("akka.loglevel = WARNING").WithFallback(IngestDispatcher.Config(TimeSpan.FromMilliseconds(tickMs))));

    public Task DisposeAsync() => _system.Terminate();

    [Fact]
    public async Task A_UDP_graph_on_the_dispatcher_handles_its_chunks_on_the_thread_that_read_them_in_order()
    {
        var port = IngestTesting.FreeUdpPort();
        var source = new UdpTsSource(new UdpIngestOptions(port) { BindAddress = IPAddress.Loopback, Coalesce = TimeSpan.FromMilliseconds(13) });
        var threads = new HashSet<string?>();
        var probed = 0;
        var ((_, kill), received) = Source.FromGraph(source)
            .ViaMaterialized(KillSwitches.Single<ByteString>(), Keep.Both)
            .Select(chunk =>
            {
                lock (threads) threads.Add(Thread.CurrentThread.Name);
                return chunk;
            })
            .SelectMany(chunk => Enumerable.Range(0, chunk.Count / 1316).Select(i => (Number: (int)chunk[i * 1316], Probe: chunk[i * 1316 + 1] == 1)))
            .Where(d => !d.Probe || Interlocked.Exchange(ref probed, 1) < 0)
            .Select(d => d.Number)
            .Take(200)
            .ToMaterialized(Sink.Seq<int>(), Keep.Both)
            .AddAttributes(IngestDispatcher.For(_system))
            .Run(_system.Materializer());
        using var client = new UdpClient();
        var target = new IPEndPoint(IPAddress.Loopback, port);
        var probe = new byte[1316];
        probe[1] = 1;
        // Probes (marked in their second byte) until the source is seen to read its port; they are not counted below.
        for (var deadline = DateTime.UtcNow + IngestTesting.Patience; Volatile.Read(ref probed) == 0 && DateTime.UtcNow < deadline;)
        {
            await client.SendAsync(probe, target);
            await Task.Delay(20);
        }

        for (var i = 0; i < 200; i++)
        {
            var datagram = new byte[1316];
            datagram[0] = (byte)i;
            await client.SendAsync(datagram, target);
            if (i % 20 == 19) await Task.Delay(5); // spread over several ticks
        }

        var seen = await received.WaitAsync(IngestTesting.Patience);
        Assert.Equal(Enumerable.Range(0, 200).Select(i => i & 0xFF), seen);
        Assert.Equal(["udp-ingest-13ms"], threads);
        kill.Shutdown();
    }

    [Fact]
    public void A_system_without_the_dispatcher_gets_no_dispatcher_attribute()
    {
        using var plain = ActorSystem.Create("no-ingest-dispatcher", "akka.loglevel = WARNING");
        Assert.Same(Attributes.None, IngestDispatcher.For(plain));
        Assert.NotSame(Attributes.None, IngestDispatcher.For(_system));
    }

    [Fact]
    public void A_tick_that_is_not_positive_is_refused_when_the_dispatcher_is_made()
    {
        using var system = WithDispatcher("ingest-dispatcher-zero-tick", tickMs: 0);
        var error = Record.Exception(() => system.Dispatchers.Lookup(IngestDispatcher.Id));
        Assert.NotNull(error);
        Assert.Contains("a poll tick must be positive", error.ToString());
    }

    /// <summary>No socket is registered on this tick's poller, so it sleeps until work comes; an ask wakes it each time.</summary>
    [Fact]
    public async Task An_actor_on_the_dispatcher_answers_from_the_poller_thread_each_time_it_is_asked()
    {
        using var system = WithDispatcher("ingest-dispatcher-actor", tickMs: 17);
        var actor = system.ActorOf(Props.Create(() => new ThreadName()).WithDispatcher(IngestDispatcher.Id));
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal("udp-ingest-17ms", await actor.Ask<string>("which thread?", IngestTesting.Patience));
            await Task.Delay(50); // long enough for the thread to have gone back to waiting
        }

        Assert.Equal(0, UdpIngestPoller.For(TimeSpan.FromMilliseconds(17)).Count);
    }

    [Fact]
    public async Task A_throwing_work_item_is_counted_and_the_next_one_still_runs()
    {
        var poller = UdpIngestPoller.For(TimeSpan.FromMilliseconds(19));
        var ran = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        poller.Post(new Work(() => throw new InvalidOperationException("work broke")));
        poller.Post(new Work(() => ran.TrySetResult(Thread.CurrentThread.Name)));

        Assert.Equal("udp-ingest-19ms", await ran.Task.WaitAsync(IngestTesting.Patience));
        Assert.Equal(1, poller.WorkFaults);
    }

    private sealed class ThreadName : ReceiveActor
    {
        public ThreadName() => ReceiveAny(_ => Sender.Tell(Thread.CurrentThread.Name));
    }

    private sealed class Work(Action action) : IRunnable
    {
        public void Run() => action();

        public void Execute() => action();
    }
}
