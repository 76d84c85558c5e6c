using System.Collections.Concurrent;

namespace Messenger.Homeserver.RoomServer;

/// <summary>
/// The local sends of each room waiting for its turn. The room's events are linear (one at a time under the room's
/// lock), so instead of each sender building, committing and syncing the disk alone while the others wait, the
/// sender whose turn it is takes every send waiting behind it and persists them as one batch: one transaction, one
/// disk sync, each event still built on the previous one and authorised on its own. Only sends of the same room are
/// batched: unrelated rooms keep committing in parallel (PostgreSQL), never waiting for each other.
/// </summary>
public sealed class LocalSendQueues
{
    /// <summary>Bounds one transaction (and so the wait of the first sender in it).</summary>
    public const int MaxBatch = 64;

    private readonly ConcurrentDictionary<string, RoomQueue> queues = new(StringComparer.Ordinal);

    /// <summary>Queues a send. Its <see cref="LocalSend.Turn"/> completes when it is done, or when it leads the next batch.</summary>
    public LocalSend Enqueue(string roomId, LocalEvent request)
    {
        var queue = queues.GetOrAdd(roomId, _ => new RoomQueue());
        var send = new LocalSend(request);
        lock (queue)
        {
            queue.Waiting.Add(send);
            if (!queue.Running)
            {
                queue.Running = true;
                send.Lead();
            }
        }
        return send;
    }

    /// <summary>The leader takes the sends waiting in the room, oldest (itself) first.</summary>
    public List<LocalSend> Take(string roomId)
    {
        var queue = queues[roomId];
        lock (queue)
        {
            var count = Math.Min(queue.Waiting.Count, MaxBatch);
            var taken = queue.Waiting.GetRange(0, count);
            queue.Waiting.RemoveRange(0, count);
            return taken;
        }
    }

    /// <summary>Once a batch is persisted (or failed): the oldest waiting send leads the next one, or the room goes idle.</summary>
    public void Next(string roomId)
    {
        var queue = queues[roomId];
        lock (queue)
        {
            if (queue.Waiting.Count > 0) queue.Waiting[0].Lead();
            else queue.Running = false;
        }
    }

    private sealed class RoomQueue
    {
        public List<LocalSend> Waiting { get; } = [];

        public bool Running { get; set; }
    }
}
