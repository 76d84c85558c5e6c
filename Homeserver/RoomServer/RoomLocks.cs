using System.Collections.Concurrent;

namespace Messenger.Homeserver.RoomServer;

/// <summary>
/// Linearises the events of one room in this process: while a sender holds a room's lock, no other local event of
/// that room is built, so local senders never fork the room (each event's <c>prev_events</c> is the last one).
/// Across processes the same job falls to a PostgreSQL advisory lock on the room (scale-out issue).
/// </summary>
public sealed class RoomLocks
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> locks = new(StringComparer.Ordinal);

    public async Task<IDisposable> AcquireAsync(string roomId, CancellationToken ct)
    {
        var gate = locks.GetOrAdd(roomId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        return new Releaser(gate);
    }

    private sealed class Releaser(SemaphoreSlim gate) : IDisposable
    {
        private int released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref released, 1) == 0) gate.Release();
        }
    }
}
