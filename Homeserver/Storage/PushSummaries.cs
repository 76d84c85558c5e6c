using Messenger.Homeserver.Storage.Rows;
using Microsoft.EntityFrameworkCore;

namespace Messenger.Homeserver.Storage;

/// <summary>
/// Keeps <c>event_push_summary</c> (<see cref="PushSummaryRow"/>) right, in the caller's transaction. New notifications
/// add to their thread's counts; reading moves a mark and recounts only what is after it, so neither touches the
/// notifications already stored. What counts as unread ("Receiving notifications", "Threaded read receipts"): a
/// notification after the user's room-wide mark (unthreaded receipts) and after its own thread's mark (<c>main</c> or
/// the root, from threaded receipts and from sending) — a receipt for an older event leaves later ones counted.
/// </summary>
public static class PushSummaries
{
    /// <summary>
    /// Rows per upsert statement, largest first: a few fixed statements (prepared once per connection on SQLite, see
    /// <see cref="DirectCommand"/>) whatever the number of rows, all well under both providers' parameter limits.
    /// </summary>
    private static readonly int[] StatementSizes = [200, 50, 10, 1];

    private static readonly Dictionary<int, string> Upserts = StatementSizes.ToDictionary(size => size, UpsertOf);

    private static string UpsertOf(int rows) =>
        "INSERT INTO event_push_summary (user_id, room_id, thread_id, notification_count, highlight_count, read_up_to) VALUES "
        + string.Join(", ", Enumerable.Range(0, rows).Select(r => "(" + string.Join(", ", Enumerable.Range(r * 6, 6).Select(p => "@p" + p)) + ")"))
        + " ON CONFLICT (user_id, room_id, thread_id) DO UPDATE SET "
        + "notification_count = CASE WHEN excluded.read_up_to > event_push_summary.read_up_to THEN excluded.notification_count ELSE event_push_summary.notification_count + excluded.notification_count END, "
        + "highlight_count = CASE WHEN excluded.read_up_to > event_push_summary.read_up_to THEN excluded.highlight_count ELSE event_push_summary.highlight_count + excluded.highlight_count END, "
        + "read_up_to = CASE WHEN excluded.read_up_to > event_push_summary.read_up_to THEN excluded.read_up_to ELSE event_push_summary.read_up_to END";

    private const string MoveMark =
        "INSERT INTO event_push_summary (user_id, room_id, thread_id, notification_count, highlight_count, read_up_to) VALUES ({0}, {1}, {2}, 0, 0, {3}) "
        + "ON CONFLICT (user_id, room_id, thread_id) DO UPDATE SET read_up_to = excluded.read_up_to WHERE excluded.read_up_to > event_push_summary.read_up_to";

    /// <summary>
    /// Counts new notifications (<paramref name="rows"/>, at their stream positions) and marks read what their senders read
    /// by sending (<paramref name="readBySending"/>: user, room, position, thread key — <c>main</c> or a root). A sender's
    /// thread then holds only what follows their event in the same batch; everyone else's counts grow. Up to 200
    /// (user, room, thread) per statement, in a fixed order so that concurrent writers lock rows alike. With
    /// <paramref name="pending"/> the statements join the batch's (run before its rows, in the same round trip on
    /// PostgreSQL); else they run now, in the transaction open on <paramref name="db"/>.
    /// </summary>
    public static async Task AddAsync(HomeserverDbContext db, IEnumerable<PushActionRow> rows,
        IEnumerable<(string UserId, string RoomId, long Position, string ThreadId)> readBySending, CancellationToken ct, PendingRows? pending = null)
    {
        var marks = new Dictionary<(string, string, string), long>();
        foreach (var (userId, roomId, position, threadId) in readBySending)
        {
            var key = (userId, roomId, threadId);
            marks[key] = Math.Max(position, marks.GetValueOrDefault(key));
        }
        var counts = new Dictionary<(string, string, string), (int Notifications, int Highlights)>();
        foreach (var row in rows)
        {
            var key = (row.UserId, row.RoomId, row.ThreadId ?? PushActionStore.MainThread);
            if (marks.TryGetValue(key, out var mark) && row.StreamOrdering <= mark) continue;
            var (n, h) = counts.GetValueOrDefault(key);
            counts[key] = (n + 1, h + (row.Highlight ? 1 : 0));
        }
        var entries = counts.Keys.Union(marks.Keys)
            .Select(k => (Key: k, Counts: counts.GetValueOrDefault(k), Mark: marks.GetValueOrDefault(k)))
            .OrderBy(e => e.Key.Item1, StringComparer.Ordinal).ThenBy(e => e.Key.Item2, StringComparer.Ordinal).ThenBy(e => e.Key.Item3, StringComparer.Ordinal)
            .ToList();
        var next = 0;
        while (next < entries.Count)
        {
            var size = StatementSizes.First(size => size <= entries.Count - next);
            var values = new object?[size * 6];
            for (var r = 0; r < size; r++)
            {
                var ((userId, roomId, threadId), (n, h), mark) = entries[next + r];
                (values[r * 6], values[r * 6 + 1], values[r * 6 + 2], values[r * 6 + 3], values[r * 6 + 4], values[r * 6 + 5]) = (userId, roomId, threadId, n, h, mark);
            }
            next += size;
            if (pending is not null) pending.Statements.Add((Upserts[size], values));
            else await DirectCommand.ExecuteAsync(db, Upserts[size], ct, values);
        }
    }

    /// <summary>
    /// Marks the user's notifications in a room read up to <paramref name="upTo"/> (inclusive): every thread's for
    /// <see cref="PushSummaryRow.Unthreaded"/>, else only that thread's (<c>main</c> or a root). Marks never go back, so the
    /// receipt furthest ahead counts. Then recounts the threads it covers from the notifications after their marks.
    /// </summary>
    public static async Task MarkReadAsync(HomeserverDbContext db, string userId, string roomId, long upTo, string threadId, CancellationToken ct)
    {
        await db.Database.ExecuteSqlRawAsync(MoveMark, [userId, roomId, threadId, upTo], ct);
        var rows = threadId == PushSummaryRow.Unthreaded
            ? await LockedRowsAsync(db, userId, roomId, ct)
            : await db.PushSummaries.TagWith("PushSummaries.Thread").AsNoTracking()
                .Where(s => s.UserId == userId && s.RoomId == roomId && (s.ThreadId == threadId || s.ThreadId == PushSummaryRow.Unthreaded)).ToListAsync(ct);
        var roomWide = rows.FirstOrDefault(r => r.ThreadId == PushSummaryRow.Unthreaded)?.ReadUpTo ?? 0;
        foreach (var row in rows)
        {
            if (row.ThreadId == PushSummaryRow.Unthreaded || (threadId != PushSummaryRow.Unthreaded && row.ThreadId != threadId)) continue;
            if (row.NotificationCount == 0 && row.HighlightCount == 0) continue;
            var after = Math.Max(roomWide, row.ReadUpTo);
            var query = db.PushActions.TagWith("PushSummaries.Recount").Where(a => a.UserId == userId && a.RoomId == roomId && a.StreamOrdering > after);
            query = row.ThreadId == PushActionStore.MainThread ? query.Where(a => a.ThreadId == null) : query.Where(a => a.ThreadId == row.ThreadId);
            var unread = await query.GroupBy(a => 1).Select(g => new { Notifications = g.Count(), Highlights = g.Count(a => a.Highlight) }).FirstOrDefaultAsync(ct);
            var (n, h) = (unread?.Notifications ?? 0, unread?.Highlights ?? 0);
            if (n == row.NotificationCount && h == row.HighlightCount) continue;
            await db.PushSummaries.TagWith("PushSummaries.SetCounts")
                .Where(s => s.UserId == userId && s.RoomId == roomId && s.ThreadId == row.ThreadId)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.NotificationCount, n).SetProperty(x => x.HighlightCount, h), ct);
        }
    }

    /// <summary>
    /// Whether a notification at <paramref name="position"/> in a thread (<c>main</c> or a root) is read, from the user's
    /// summary rows of its room.
    /// </summary>
    public static bool IsRead(IEnumerable<PushSummaryRow> roomRows, string threadId, long position) =>
        roomRows.Any(r => (r.ThreadId == PushSummaryRow.Unthreaded || r.ThreadId == threadId) && position <= r.ReadUpTo);

    /// <summary>
    /// The user's rows in the room, locked until the transaction ends on PostgreSQL (in thread order, as writers lock
    /// them): a recount must not miss notifications committed meanwhile, nor overwrite what they added. The count runs
    /// after the lock is held, so it sees every batch committed before. (A threaded receipt's one row is locked by
    /// moving its mark.) SQLite has one writer at a time.
    /// </summary>
    private static Task<List<PushSummaryRow>> LockedRowsAsync(HomeserverDbContext db, string userId, string roomId, CancellationToken ct) =>
        db.Database.IsNpgsql()
            ? db.PushSummaries.FromSqlRaw(
                "SELECT * FROM event_push_summary WHERE user_id = {0} AND room_id = {1} ORDER BY thread_id COLLATE \"C\" FOR UPDATE", userId, roomId)
                .AsNoTracking().ToListAsync(ct)
            : db.PushSummaries.TagWith("PushSummaries.Rows").AsNoTracking().Where(s => s.UserId == userId && s.RoomId == roomId).ToListAsync(ct);
}
