using Messenger.Homeserver.Push;
using Messenger.Homeserver.Storage.Rows;
using Microsoft.EntityFrameworkCore;

namespace Messenger.Homeserver.Storage;

/// <summary>
/// Notifications of users (events whose push rule actions include <c>notify</c>): written with each event, listed by
/// <c>GET /notifications</c>; their unread counts for sync and the read marks of receipts live in the summary
/// (<see cref="PushSummaries"/>), so reading rewrites no notification.
/// </summary>
public sealed class PushActionStore(HomeserverDbContext db, DatabaseWriteGate writeGate, UnreadCountReads reads)
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
        return PushSummaries.AddAsync(db, list, readBySending, ct, pending);
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
    /// none, found through the user's newest notifications. Rooms without any are absent (their counts are zero). One
    /// room's counts (a woken sync's) are read together with those of the other users asking for that room at the same
    /// time (<see cref="UnreadCountReads"/>).
    /// </summary>
    public async Task<Dictionary<string, RoomUnreadCounts>> UnreadCountsAsync(string userId, IReadOnlyCollection<string> roomIds, long upTo, CancellationToken ct)
    {
        if (roomIds.Count == 0) return [];
        if (roomIds.Count == 1)
        {
            var roomId = roomIds.First();
            var shared = await reads.ReadAsync(roomId, userId, upTo, (users, after) => RoomCountsAsync(roomId, users, after));
            if (shared is not null) return Counts(shared.Summaries[userId], shared.Later[userId], upTo);
        }
        var rooms = ParameterList.Of(roomIds);
        var rows = await db.PushSummaries.TagWith("PushActionStore.UnreadCounts").AsNoTracking()
            .Where(s => s.UserId == userId && EF.Parameter(rooms).Contains(s.RoomId)).ToListAsync(ct);
        var counted = Counted(rows).Select(r => r.RoomId).Distinct().ToList();
        var later = upTo == long.MaxValue || counted.Count == 0 ? [] : await db.PushActions.TagWith("PushActionStore.UnreadCountsAfterWindow").AsNoTracking()
            .Where(a => a.UserId == userId && a.StreamOrdering > upTo && EF.Parameter(counted).Contains(a.RoomId))
            .Select(a => new LaterNotification(a.UserId, a.RoomId, a.ThreadId, a.StreamOrdering, a.Highlight)).ToListAsync(ct);
        return Counts(rows, later, upTo);
    }

    /// <summary>
    /// One room's summary rows of many users, and their notifications there after <paramref name="after"/> (the earliest
    /// window's end among them) for those with anything unread: two queries for all of them, each list bound as one
    /// parameter so that the SQL is the same whatever the number of users. Not cancelled by the one request that runs
    /// it, since the others wait for it too.
    /// </summary>
    private async Task<RoomCounts> RoomCountsAsync(string roomId, IReadOnlyCollection<string> userIds, long after)
    {
        var users = userIds.ToList();
        var rows = await db.PushSummaries.TagWith("PushActionStore.RoomUnreadCounts").AsNoTracking()
            .Where(s => s.RoomId == roomId && EF.Parameter(users).Contains(s.UserId)).ToListAsync(CancellationToken.None);
        var counted = Counted(rows).Select(r => r.UserId).Distinct().ToList();
        var later = after == long.MaxValue || counted.Count == 0 ? [] : await db.PushActions.TagWith("PushActionStore.RoomUnreadCountsAfterWindow").AsNoTracking()
            .Where(a => a.RoomId == roomId && EF.Parameter(counted).Contains(a.UserId) && a.StreamOrdering > after)
            .Select(a => new LaterNotification(a.UserId, a.RoomId, a.ThreadId, a.StreamOrdering, a.Highlight)).ToListAsync(CancellationToken.None);
        var rowsOf = rows.ToLookup(r => r.UserId, StringComparer.Ordinal);
        var laterOf = later.ToLookup(a => a.UserId, StringComparer.Ordinal);
        return new RoomCounts(rowsOf, laterOf);
    }

    /// <summary>Summary rows with something unread (the room-wide mark's row never counts).</summary>
    private static IEnumerable<PushSummaryRow> Counted(IEnumerable<PushSummaryRow> rows) =>
        rows.Where(r => r.ThreadId != PushSummaryRow.Unthreaded && (r.NotificationCount > 0 || r.HighlightCount > 0));

    /// <summary>
    /// One user's counts per room from their summary rows, less the notifications after <paramref name="upTo"/> among
    /// <paramref name="later"/> that the rows count (those not read by a mark already).
    /// </summary>
    private static Dictionary<string, RoomUnreadCounts> Counts(IEnumerable<PushSummaryRow> summaries, IEnumerable<LaterNotification> later, long upTo)
    {
        var rows = summaries as IReadOnlyCollection<PushSummaryRow> ?? summaries.ToList();
        var counts = Counted(rows).ToDictionary(r => (r.RoomId, r.ThreadId), r => new UnreadCount(r.NotificationCount, r.HighlightCount));
        if (counts.Count == 0) return [];
        foreach (var a in later.Where(a => a.StreamOrdering > upTo))
        {
            var key = (a.RoomId, a.ThreadId ?? MainThread);
            if (!counts.TryGetValue(key, out var count) || PushSummaries.IsRead(rows.Where(r => r.RoomId == a.RoomId), key.Item2, a.StreamOrdering)) continue;
            counts[key] = new UnreadCount(Math.Max(0, count.Notifications - 1), Math.Max(0, count.Highlights - (a.Highlight ? 1 : 0)));
        }
        return counts.Where(c => c.Value.Notifications > 0 || c.Value.Highlights > 0).GroupBy(c => c.Key.RoomId).ToDictionary(
            room => room.Key,
            room => new RoomUnreadCounts(
                room.Where(t => t.Key.ThreadId == MainThread).Select(t => t.Value).FirstOrDefault() ?? UnreadCount.Zero,
                room.Where(t => t.Key.ThreadId != MainThread).ToDictionary(t => t.Key.ThreadId, t => t.Value)));
    }

    /// <summary>A notification after a sync window's end, which the summary rows may already count.</summary>
    private sealed record LaterNotification(string UserId, string RoomId, string? ThreadId, long StreamOrdering, bool Highlight);

    /// <summary>A room's shared read: each user's summary rows and later notifications there.</summary>
    private sealed record RoomCounts(ILookup<string, PushSummaryRow> Summaries, ILookup<string, LaterNotification> Later);

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
            .Where(s => s.UserId == userId && EF.Parameter(roomIds).Contains(s.RoomId)).ToListAsync(ct);
        return page.Select(a => (a, PushSummaries.IsRead(marks.Where(m => m.RoomId == a.RoomId), a.ThreadId ?? MainThread, a.StreamOrdering))).ToList();
    }

    /// <summary>The user's notifications after <paramref name="after"/>, oldest first: what a pusher has still to deliver.</summary>
    public Task<List<PushActionRow>> AfterAsync(string userId, long after, int limit, CancellationToken ct) =>
        db.PushActions.TagWith("PushActionStore.After").AsNoTracking()
            .Where(a => a.UserId == userId && a.StreamOrdering > after)
            .OrderBy(a => a.StreamOrdering).Take(limit).ToListAsync(ct);
}
