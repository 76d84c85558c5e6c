using System.Text.Json;
using Messenger.Homeserver.Storage.Rows;
using Microsoft.EntityFrameworkCore;

namespace Messenger.Homeserver.Storage;

public sealed partial class RoomStore
{
    /// <summary>
    /// What <see cref="RecentAsync"/> answers for each of <paramref name="roomIds"/>, in one query: each room's newest
    /// events in the stream window (<paramref name="after"/>, <paramref name="upTo"/>], at most <paramref name="limit"/>,
    /// newest first (a room without any is left out). An initial sync of a hundred rooms asked a hundred queries.
    /// <para>
    /// Each room is one index range of (room_id, stream_ordering), whatever its history: on PostgreSQL a <c>LATERAL</c>
    /// subquery per room; SQLite has no <c>LATERAL</c>, so the range of each room starts at its
    /// <paramref name="limit"/>-th newest position, found by a correlated subquery on the same index.
    /// </para>
    /// </summary>
    public async Task<Dictionary<string, List<EventRow>>> RecentInRoomsAsync(IReadOnlyCollection<string> roomIds, long after, long upTo, int limit,
        CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        if (roomIds.Count == 0) return [];
        var ids = roomIds.Distinct(StringComparer.Ordinal).ToArray();
        var query = db.Database.IsNpgsql()
            ? db.Events.FromSqlRaw(RecentInRoomsPostgres, ids, after, upTo, limit)
            : db.Events.FromSqlRaw(RecentInRoomsSqlite, JsonSerializer.Serialize(ids), after, upTo, limit);
        var rows = await query.TagWith("RoomStore.RecentInRooms").AsNoTracking().ToListAsync(ct);
        return rows.GroupBy(r => r.RoomId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.OrderByDescending(r => r.StreamOrdering).ToList(), StringComparer.Ordinal);
    }

    /// <summary>PostgreSQL: {0} the room ids (an array), {1} after, {2} up to, {3} the limit.</summary>
    public const string RecentInRoomsPostgres = """
        SELECT e.* FROM unnest({0}) AS r(room_id)
        CROSS JOIN LATERAL (
            SELECT * FROM events WHERE events.room_id = r.room_id AND events.stream_ordering > {1} AND events.stream_ordering <= {2}
            ORDER BY events.stream_ordering DESC LIMIT {3}) AS e
        """;

    /// <summary>
    /// SQLite: {0} the room ids (a JSON array), {1} after, {2} up to, {3} the limit. One bound per side of the range, so
    /// that SQLite searches the index between them (a second lower bound would be a filter over the room's whole history).
    /// </summary>
    public const string RecentInRoomsSqlite = """
        SELECT e.* FROM json_each({0}) AS r
        JOIN events AS e ON e.room_id = r.value AND e.stream_ordering <= {2} AND e.stream_ordering >= coalesce(
            (SELECT s.stream_ordering FROM events AS s WHERE s.room_id = r.value AND s.stream_ordering > {1} AND s.stream_ordering <= {2}
             ORDER BY s.stream_ordering DESC LIMIT 1 OFFSET {3} - 1),
            {1} + 1)
        """;
}
