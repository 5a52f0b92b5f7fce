using Akka.Actor;
using Akka.Configuration;
using Akka.Dispatch;
using Akka.Streams;

namespace Inspur.Media.Ingest;

/// <summary>
/// The dispatcher that runs ingest pipelines' stream actors on the <see cref="UdpIngestPoller"/> thread of its tick,
/// right after that thread has drained the sockets. A chunk read from a socket is then segmented and published on the
/// thread that read it: a tick costs one thread wake-up for every channel of the node, instead of one for the poller
/// plus one pool-thread wake-up per channel per tick (on this project's 2-core VM, each wake-up costs tens of
/// microseconds, and those wake-ups were most of what a passthrough channel cost; see docs/decisions.md).
/// Whatever runs here must not block: a stage that waits stalls every channel's ingest. Stream stages only react to
/// pushed chunks and callbacks, so they qualify; HTTP waits, archive writes and ffmpeg stay on the thread pool.
/// </summary>
public static class IngestDispatcher
{
    /// <summary>The dispatcher's config path, as <c>hocon/akka.conf</c> defines it.</summary>
    public const string Id = "inspur.ingest-dispatcher";

    /// <summary>The dispatcher's definition for a system configured in code (tests); the node's comes from its HOCON.</summary>
    public static Config Config(TimeSpan tick) => ConfigurationFactory.ParseString($$"""
        {{Id}} {
          type = Dispatcher
          executor = "{{typeof(IngestExecutorConfigurator).AssemblyQualifiedName}}"
          tick = {{(int)tick.TotalMilliseconds}}ms
          throughput = 64
        }
        """);

    /// <summary>Attributes that put a graph's stream actors on the ingest dispatcher when <paramref name="system"/> defines it; none otherwise.</summary>
    public static Attributes For(ActorSystem system) =>
        system.Dispatchers.HasDispatcher(Id) ? ActorAttributes.CreateDispatcher(Id) : Attributes.None;
}

/// <summary>Makes the <see cref="ExecutorService"/> of <see cref="IngestDispatcher"/> from its <c>tick</c> setting.</summary>
public sealed class IngestExecutorConfigurator(Config config, IDispatcherPrerequisites prerequisites) : ExecutorServiceConfigurator(config, prerequisites)
{
    /// <summary>Checked when the dispatcher is configured: the poller is made only when the first work comes, too late to say why.</summary>
    private readonly TimeSpan _tick = config.GetTimeSpan("tick", UdpIngestOptions.DefaultCoalesce, allowInfinite: false) is { Ticks: > 0 } tick
        ? tick
        : throw new ConfigurationException($"{IngestDispatcher.Id}.tick is {config.GetString("tick")}: a poll tick must be positive");

    public override ExecutorService Produce(string id) => new IngestExecutor(id, UdpIngestPoller.For(_tick));
}

/// <summary>Hands a dispatcher's work to a poller thread, which runs it between reading its sockets.</summary>
internal sealed class IngestExecutor(string id, UdpIngestPoller poller) : ExecutorService(id)
{
    public override void Execute(IRunnable run) => poller.Post(run);

    /// <summary>The poller is the process's and may serve other systems' dispatchers: it goes on running.</summary>
    public override void Shutdown()
    {
    }
}
