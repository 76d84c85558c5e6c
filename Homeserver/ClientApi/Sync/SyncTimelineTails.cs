using System.Collections.Concurrent;
using Messenger.Homeserver.RoomServer;
using Messenger.Homeserver.Storage;
using Messenger.Homeserver.Storage.Rows;

namespace Messenger.Homeserver.ClientApi.Sync;

/// <summary>
/// The newest events of recently active rooms, read once and shared by the incremental syncs that need them: when one
/// message wakes the long-polls of a thousand members, the first woken sync reads the room's tail and the others take
/// their window from it instead of asking the database the same question a thousand times.
/// <para>
/// A tail read at stream position U holds the room's newest <see cref="Depth"/> events at or below U. Events at or
/// below <see cref="StreamPositions.Current"/> are committed and keep their position, so the tail stays true for U; it
/// also answers for a later position as long as <see cref="StreamChanges.Events"/> rules out a new event of the room
/// since U, and for an earlier one as far as it still holds that window. A window it cannot answer is left to the
/// caller's own query, so the tail can cost a query, never hide an event. (A later redaction of a tail event reaches
/// the client as that later window's event, as it would have had the sync run a moment earlier.) One per process.
/// </para>
/// </summary>
public sealed class SyncTimelineTails(StreamChanges changes)
{
    /// <summary>Events kept per room: Element's timeline limit (20) plus the one that tells <c>limited</c>.</summary>
    public const int Depth = 21;

    private const int MaxRooms = 4096;
    private readonly ConcurrentDictionary<string, Tail> tails = new(StringComparer.Ordinal);

    /// <summary>
    /// The room's newest events in (<paramref name="after"/>, <paramref name="upTo"/>], at most <paramref name="limit"/>,
    /// newest first; null when the tail cannot answer (the caller queries).
    /// </summary>
    public async Task<List<EventRow>?> RecentAsync(RoomStore rooms, string roomId, long after, long upTo, int limit)
    {
        if (limit > Depth) return null;
        var tail = await TailAsync(rooms, roomId, upTo);
        if (tail is null) return null;
        var window = tail.Value.Rows.Where(r => r.StreamOrdering > after && r.StreamOrdering <= upTo).Take(limit).ToList();
        return window.Count == limit || Holds(tail.Value.Rows, after) ? window : null;
    }

    /// <summary>Whether the room has an event in (<paramref name="after"/>, <paramref name="upTo"/>]; null when the tail cannot tell.</summary>
    public async Task<bool?> HasEventsAsync(RoomStore rooms, string roomId, long after, long upTo)
    {
        var tail = await TailAsync(rooms, roomId, upTo);
        if (tail is null) return null;
        if (tail.Value.Rows.Any(r => r.StreamOrdering > after && r.StreamOrdering <= upTo)) return true;
        return Holds(tail.Value.Rows, after) ? false : null;
    }

    /// <summary>Whether a tail holds every event of its room after <paramref name="after"/> (up to its own position).</summary>
    private static bool Holds(List<EventRow> rows, long after) => rows.Count < Depth || after >= rows[^1].StreamOrdering - 1;

    /// <summary>
    /// A tail that is true at <paramref name="upTo"/>: a shared one (awaiting its read when another sync started it) or
    /// a new read, published for the syncs that follow.
    /// </summary>
    private async Task<(List<EventRow> Rows, long UpTo)?> TailAsync(RoomStore rooms, string roomId, long upTo)
    {
        if (tails.TryGetValue(roomId, out var known) && (known.UpTo >= upTo || !changes.Events.MayHaveChanged(roomId, known.UpTo)))
        {
            if (await known.Rows is { } shared) return (shared, known.UpTo);
        }

        // The read belongs to no single request: a sync that gives up must not cancel it for the others awaiting it.
        var read = new Tail(upTo, ReadAsync(rooms, roomId, upTo));
        if (tails.Count >= MaxRooms) tails.Clear();
        tails.AddOrUpdate(roomId, read, (_, old) => old.UpTo >= upTo && !Failed(old) ? old : read);
        return await read.Rows is { } fresh ? (fresh, upTo) : null;
    }

    private static async Task<List<EventRow>?> ReadAsync(RoomStore rooms, string roomId, long upTo)
    {
        try
        {
            return await rooms.RecentAsync(roomId, long.MinValue, upTo, Depth, CancellationToken.None);
        }
        catch (Exception e) when (e is InvalidOperationException or System.Data.Common.DbException)
        {
            return null; // those waiting for it query themselves
        }
    }

    private static bool Failed(Tail tail) => tail.Rows.IsCompletedSuccessfully && tail.Rows.Result is null;

    private sealed record Tail(long UpTo, Task<List<EventRow>?> Rows);
}
