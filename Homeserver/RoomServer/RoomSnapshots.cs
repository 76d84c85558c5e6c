using System.Collections.Concurrent;

namespace Messenger.Homeserver.RoomServer;

/// <summary>
/// The in-memory <see cref="RoomSnapshot"/> of each room this process has touched. Written only under the room's
/// lock after a commit; with several processes, invalidated through the database's notifications (scale-out issue).
/// </summary>
public sealed class RoomSnapshots
{
    private readonly ConcurrentDictionary<string, RoomSnapshot> snapshots = new(StringComparer.Ordinal);

    public bool TryGet(string roomId, out RoomSnapshot snapshot) => snapshots.TryGetValue(roomId, out snapshot!);

    public void Set(RoomSnapshot snapshot) => snapshots[snapshot.RoomId] = snapshot;

    public void Forget(string roomId) => snapshots.TryRemove(roomId, out _);
}
