using Messenger.Homeserver.Push;
using Messenger.Homeserver.Storage.Rows;
using Microsoft.EntityFrameworkCore;

namespace Messenger.Homeserver.Storage;

/// <summary>
/// Notifications of users (events whose push rule actions include <c>notify</c>): written after each event is
/// persisted, counted for sync's unread counts, listed by <c>GET /notifications</c>, marked read by receipts.
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
    /// Within the caller's transaction (the persister's, for local events): marks read what the senders read by sending,
    /// and stages the new notifications (in <paramref name="pending"/> when given); the caller saves.
    /// </summary>
    public static async Task StageAsync(HomeserverDbContext db, IEnumerable<PushActionRow> rows,
        IEnumerable<(string UserId, string RoomId, long Position, string ThreadId)> readBySending, CancellationToken ct, PendingRows? pending = null)
    {
        foreach (var (userId, roomId, position, threadId) in readBySending) await MarkReadAsync(db, userId, roomId, position, threadId, ct);
        if (pending is not null) pending.PushActions.AddRange(rows);
        else db.PushActions.AddRange(rows);
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
            await MarkReadAsync(db, userId, roomId, upToStreamPosition, threadId, ct);
        }
    }

    private static Task<int> MarkReadAsync(HomeserverDbContext db, string userId, string roomId, long upToStreamPosition, string? threadId, CancellationToken ct)
    {
        var query = db.PushActions.TagWith("PushActionStore.ResetCounts")
            .Where(a => a.UserId == userId && a.RoomId == roomId && !a.Read && a.StreamOrdering <= upToStreamPosition);
        if (threadId == MainThread) query = query.Where(a => a.ThreadId == null);
        else if (threadId is not null) query = query.Where(a => a.ThreadId == threadId);
        return query.ExecuteUpdateAsync(s => s.SetProperty(a => a.Read, true), ct);
    }

    /// <summary>
    /// Unread notification and highlight counts of <paramref name="roomIds"/> for a user, per room and thread, in one
    /// query: notifications at or below <paramref name="upTo"/> (the sync window's end) not yet read. Rooms without
    /// any are absent (their counts are zero).
    /// </summary>
    public async Task<Dictionary<string, RoomUnreadCounts>> UnreadCountsAsync(string userId, IReadOnlyCollection<string> roomIds, long upTo, CancellationToken ct)
    {
        if (roomIds.Count == 0) return [];
        var groups = await db.PushActions.TagWith("PushActionStore.UnreadCounts").AsNoTracking()
            .Where(a => a.UserId == userId && roomIds.Contains(a.RoomId) && !a.Read && a.StreamOrdering <= upTo)
            .GroupBy(a => new { a.RoomId, a.ThreadId })
            .Select(g => new { g.Key.RoomId, g.Key.ThreadId, Notifications = g.Count(), Highlights = g.Count(a => a.Highlight) })
            .ToListAsync(ct);
        return groups.GroupBy(g => g.RoomId).ToDictionary(
            room => room.Key,
            room => new RoomUnreadCounts(
                room.Where(t => t.ThreadId == null).Select(t => new UnreadCount(t.Notifications, t.Highlights)).FirstOrDefault() ?? UnreadCount.Zero,
                room.Where(t => t.ThreadId != null).ToDictionary(t => t.ThreadId!, t => new UnreadCount(t.Notifications, t.Highlights))));
    }

    /// <summary>The user's unread notifications across all rooms (<c>counts.unread</c> for push gateways).</summary>
    public Task<int> UnreadTotalAsync(string userId, CancellationToken ct) =>
        db.PushActions.TagWith("PushActionStore.UnreadTotal").Where(a => a.UserId == userId && !a.Read).CountAsync(ct);

    /// <summary>A page of the user's notifications, newest first, before <paramref name="before"/> (exclusive).</summary>
    public Task<List<PushActionRow>> PageAsync(string userId, long? before, int limit, bool onlyHighlights, CancellationToken ct)
    {
        var query = db.PushActions.TagWith("PushActionStore.Page").AsNoTracking().Where(a => a.UserId == userId);
        if (before is { } b) query = query.Where(a => a.StreamOrdering < b);
        if (onlyHighlights) query = query.Where(a => a.Highlight);
        return query.OrderByDescending(a => a.StreamOrdering).Take(limit).ToListAsync(ct);
    }

    /// <summary>The user's notifications after <paramref name="after"/>, oldest first: what a pusher has still to deliver.</summary>
    public Task<List<PushActionRow>> AfterAsync(string userId, long after, int limit, CancellationToken ct) =>
        db.PushActions.TagWith("PushActionStore.After").AsNoTracking()
            .Where(a => a.UserId == userId && a.StreamOrdering > after)
            .OrderBy(a => a.StreamOrdering).Take(limit).ToListAsync(ct);
}
