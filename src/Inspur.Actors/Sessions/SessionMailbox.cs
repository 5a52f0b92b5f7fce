using Akka.Actor;
using Akka.Configuration;
using Akka.Dispatch;
using Akka.Dispatch.MessageQueues;

namespace Inspur.Actors.Sessions;

/// <summary>
/// The <c>session</c> entity's mailbox: an unbounded deque (what a persistent actor's stash needs) whose storage exists
/// only while messages wait. Akka's default queue keeps a 32-slot ConcurrentQueue segment per actor for its whole life,
/// about 1.2 KB, which was a quarter of an idle session's memory (bench/session-memory).
/// </summary>
public sealed class SessionMailbox(Settings settings, Config config) : MailboxType(settings, config), IProducesMessageQueue<IdleFreeMessageQueue>
{
    public const string Id = "inspur-session-mailbox";

    /// <summary>The HOCON that defines <see cref="Id"/>.</summary>
    public static readonly string Hocon = $"{Id}.mailbox-type = \"{typeof(SessionMailbox).AssemblyQualifiedName}\"";

    public override IMessageQueue Create(IActorRef owner, ActorSystem system) => new IdleFreeMessageQueue();
}

/// <summary>
/// A lock-guarded deque of envelopes that holds no buffers while empty: its queue and its prepend stack are made when a
/// message arrives and dropped when the last one is taken. For actors that are idle nearly all their life. It locks
/// itself (no lock object of its own, 40 bytes less per actor); nothing else locks on it.
/// </summary>
public sealed class IdleFreeMessageQueue : IMessageQueue, IUnboundedDequeBasedMessageQueueSemantics
{
    private Queue<Envelope>? _queue;
    private Stack<Envelope>? _first;
    private int _count;

    public bool HasMessages => Volatile.Read(ref _count) > 0;

    public int Count => Volatile.Read(ref _count);

    public void Enqueue(IActorRef receiver, Envelope envelope)
    {
        lock (this)
        {
            (_queue ??= new Queue<Envelope>(2)).Enqueue(envelope);
            _count++;
        }
    }

    /// <summary>Unstashed messages go before everything queued, last pushed first.</summary>
    public void EnqueueFirst(Envelope envelope)
    {
        lock (this)
        {
            (_first ??= new Stack<Envelope>(2)).Push(envelope);
            _count++;
        }
    }

    public bool TryDequeue(out Envelope envelope)
    {
        lock (this)
        {
            if (_first is { } first)
            {
                envelope = first.Pop();
                if (first.Count == 0) _first = null;
            }
            else if (_queue is { } queue)
            {
                envelope = queue.Dequeue();
                if (queue.Count == 0) _queue = null;
            }
            else
            {
                envelope = default;
                return false;
            }

            _count--;
            return true;
        }
    }

    public void CleanUp(IActorRef owner, IMessageQueue deadletters)
    {
        while (TryDequeue(out var envelope)) deadletters.Enqueue(owner, envelope);
    }
}
