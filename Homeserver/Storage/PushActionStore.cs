using Messenger.Homeserver.Push;
using Messenger.Homeserver.Storage.Rows;
using Microsoft.EntityFrameworkCore;

namespace Messenger.Homeserver.Storage;

/// <summary>
/// Notifications of users (events whose push rule actions include <c>notify</c>): written with each event, listed by
/// <c>GET /notifications</c>; their unread counts for sync and the read marks of receipts live in the summary
/// (<see cref="PushSummaries"/>), so reading rewrites no notification.
/// </summary>
public sealed class PushActionStore(HomeserverDbContext db, DatabaseWriteGate writeGate)
{
    /// <summary>The spec's thread id for the main timeline in threaded receipts.</summary>
    public const string MainThread = "main";

    /// <summary>
    /// Stores new notifications and, in the same transaction, marks read what the senders of new events have read by
    /// sending them (<paramref name="readBySending"/>: user, room, position, thread as in <see cref="ResetCountsAsync"/>).
    /// </summary>
    public async Task AddAsync(IReadOnlyCollection<PushActionRow> rows, IReadOnlyCollection<(string UserId, string RoomId, long Position, string ThreadId)> readBySending, CancellationToken ct)
    {
        if (rows.Count == 0 && readBySending.Count == 0) return;
        using (await writeGate.EnterAsync(ct))
        {
            try
            {
                await db.InTransactionAsync(async () =>
                {
                    await StageAsync(db, rows, readBySending, ct);
                    await db.SaveChangesAsync(ct);
                }, ct);
            }
            finally
            {
                db.ChangeTracker.Clear();
            }
        }
    }

    /// <summary>
    /// Within the caller's transaction (the persister's, for local events): stages the new notifications (in
    /// <paramref name="pending"/> when given; the caller saves), adds them to the unread counts and marks read what the
    /// senders read by sending (<see cref="PushSummaries.AddAsync"/>).
    /// </summary>
    public static Task StageAsync(HomeserverDbContext db, IEnumerable<PushActionRow> rows,
        IEnumerable<(string UserId, string RoomId, long Position, string ThreadId)> readBySending, CancellationToken ct, PendingRows? pending = null)
    {
        var list = rows as IReadOnlyCollection<PushActionRow> ?? rows.ToList();
        if (pending is not null) pending.PushActions.AddRange(list);
        else db.PushActions.AddRange(list);
        return PushSummaries.AddAsync(db, list, readBySending, ct);
    }

    /// <summary>
    /// Marks the user's notifications in a room read up to and including <paramref name="upToStreamPosition"/>
    /// ("Marking notifications as read"): all of them for an unthreaded receipt (<paramref name="threadId"/> null),
    /// the main timeline's for <c>main</c>, else those of the thread with that root. Marks never go back, so the
    /// receipt furthest ahead (m.read or m.read.private) is the one that counts.
    /// </summary>
    public async Task ResetCountsAsync(string userId, string roomId, long upToStreamPosition, string? threadId, CancellationToken ct)
    {
        using (await writeGate.EnterAsync(ct))
        {
            await db.InTransactionAsync(() => PushSummaries.MarkReadAsync(db, userId, roomId, upToStreamPosition, threadId ?? PushSummaryRow.Unthreaded, ct), ct);
        }
    }

    /// <summary>
    /// Unread notification and highlight counts of <paramref name="roomIds"/> for a user, per room and thread: the summary
    /// rows, less the notifications after <paramref name="upTo"/> (the sync window's end) they already count — usually
    /// none, found through the user's newest notifications. Rooms without any are absent (their counts are zero).
    /// </summary>
    public async Task<Dictionary<string, RoomUnreadCounts>> UnreadCountsAsync(string userId, IReadOnlyCollection<string> roomIds, long upTo, CancellationToken ct)
    {
        if (roomIds.Count == 0) return [];
        var rows = await db.PushSummaries.TagWith("PushActionStore.UnreadCounts").AsNoTracking()
            .Where(s => s.UserId == userId && roomIds.Contains(s.RoomId)).ToListAsync(ct);
        var counts = rows.Where(r => r.ThreadId != PushSummaryRow.Unthreaded && (r.NotificationCount > 0 || r.HighlightCount > 0))
            .ToDictionary(r => (r.RoomId, r.ThreadId), r => new UnreadCount(r.NotificationCount, r.HighlightCount));
        if (counts.Count == 0) return [];
        if (upTo < long.MaxValue)
        {
            var counted = counts.Keys.Select(k => k.RoomId).Distinct().ToList();
            var later = await db.PushActions.TagWith("PushActionStore.UnreadCountsAfterWindow").AsNoTracking()
                .Where(a => a.UserId == userId && a.StreamOrdering > upTo && counted.Contains(a.RoomId))
                .Select(a => new { a.RoomId, a.ThreadId, a.StreamOrdering, a.Highlight }).ToListAsync(ct);
            foreach (var a in later)
            {
                var key = (a.RoomId, a.ThreadId ?? MainThread);
                if (!counts.TryGetValue(key, out var count) || PushSummaries.IsRead(rows.Where(r => r.RoomId == a.RoomId), key.Item2, a.StreamOrdering)) continue;
                counts[key] = new UnreadCount(Math.Max(0, count.Notifications - 1), Math.Max(0, count.Highlights - (a.Highlight ? 1 : 0)));
            }
        }
        return counts.Where(c => c.Value.Notifications > 0 || c.Value.Highlights > 0).GroupBy(c => c.Key.RoomId).ToDictionary(
            room => room.Key,
            room => new RoomUnreadCounts(
                room.Where(t => t.Key.ThreadId == MainThread).Select(t => t.Value).FirstOrDefault() ?? UnreadCount.Zero,
                room.Where(t => t.Key.ThreadId != MainThread).ToDictionary(t => t.Key.ThreadId, t => t.Value)));
    }

    /// <summary>The user's unread notifications across all rooms (<c>counts.unread</c> for push gateways).</summary>
    public Task<int> UnreadTotalAsync(string userId, CancellationToken ct) =>
        db.PushSummaries.TagWith("PushActionStore.UnreadTotal").Where(s => s.UserId == userId).SumAsync(s => s.NotificationCount, ct);

    /// <summary>
    /// A page of the user's notifications, newest first, before <paramref name="before"/> (exclusive), each with whether
    /// the user has read it (a receipt or a sent event covers it).
    /// </summary>
    public async Task<List<(PushActionRow Row, bool Read)>> PageAsync(string userId, long? before, int limit, bool onlyHighlights, CancellationToken ct)
    {
        var query = db.PushActions.TagWith("PushActionStore.Page").AsNoTracking().Where(a => a.UserId == userId);
        if (before is { } b) query = query.Where(a => a.StreamOrdering < b);
        if (onlyHighlights) query = query.Where(a => a.Highlight);
        var page = await query.OrderByDescending(a => a.StreamOrdering).Take(limit).ToListAsync(ct);
        var roomIds = page.Select(a => a.RoomId).Distinct().ToList();
        var marks = await db.PushSummaries.TagWith("PushActionStore.PageMarks").AsNoTracking()
            .Where(s => s.UserId == userId && roomIds.Contains(s.RoomId)).ToListAsync(ct);
        return page.Select(a => (a, PushSummaries.IsRead(marks.Where(m => m.RoomId == a.RoomId), a.ThreadId ?? MainThread, a.StreamOrdering))).ToList();
    }

    /// <summary>The user's notifications after <paramref name="after"/>, oldest first: what a pusher has still to deliver.</summary>
    public Task<List<PushActionRow>> AfterAsync(string userId, long after, int limit, CancellationToken ct) =>
        db.PushActions.TagWith("PushActionStore.After").AsNoTracking()
            .Where(a => a.UserId == userId && a.StreamOrdering > after)
            .OrderBy(a => a.StreamOrdering).Take(limit).ToListAsync(ct);
}
