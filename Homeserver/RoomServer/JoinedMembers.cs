using System.Collections.Concurrent;
using System.Collections.Immutable;

namespace Messenger.Homeserver.RoomServer;

/// <summary>
/// The joined members of each room this process has looked at, in memory: who push rules are evaluated for, which
/// servers a new local event and a room's EDUs go to. Written by the persister under the room's lock after each commit
/// that changes memberships (local events), forgotten after received events (state resolution may change anything)
/// and after a failed write; read by anyone. A reader that loads a room from the database stores what it read only if
/// no writer touched the room meanwhile, so a slow read never overwrites a newer set. With several processes,
/// invalidated through the database's notifications like the room snapshots (scale-out issue).
/// </summary>
public sealed class JoinedMembers
{
    private readonly ConcurrentDictionary<string, Entry> rooms = new(StringComparer.Ordinal);

    /// <summary>The room's joined members, loaded with <paramref name="load"/> when not known.</summary>
    public async Task<ImmutableHashSet<string>> GetAsync(string roomId, Func<CancellationToken, Task<List<string>>> load, CancellationToken ct)
    {
        var entry = rooms.GetOrAdd(roomId, _ => new Entry(null));
        if (entry.Members is { } members) return members;
        var loaded = (await load(ct)).ToImmutableHashSet(StringComparer.Ordinal);
        rooms.TryUpdate(roomId, new Entry(loaded), entry);
        return loaded;
    }

    /// <summary>The members after a commit that changed them (the caller holds the room's lock).</summary>
    public void Set(string roomId, ImmutableHashSet<string> members) => rooms[roomId] = new Entry(members);

    /// <summary>The stored members may differ from what is known here: read them again next time.</summary>
    public void Forget(string roomId) => rooms[roomId] = new Entry(null);

    /// <summary>
    /// Compared by reference: <see cref="ConcurrentDictionary{TKey,TValue}.TryUpdate"/> replaces only the very entry
    /// the reader saw, so any write in between (a new entry) wins.
    /// </summary>
    private sealed class Entry(ImmutableHashSet<string>? members)
    {
        public ImmutableHashSet<string>? Members { get; } = members;
    }
}
