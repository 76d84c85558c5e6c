using Messenger.Homeserver.Storage;
using Messenger.Homeserver.Storage.Rows;
using Microsoft.EntityFrameworkCore;

namespace Messenger.Homeserver.Media;

/// <summary>The <c>media</c> table (one row per local <c>mxc://</c> id) and the <c>remote_media_cache</c>.</summary>
public sealed class MediaStore(HomeserverDbContext db)
{
    public Task<MediaRow?> FindAsync(string mediaId, CancellationToken ct = default) =>
        db.Media.TagWith("MediaStore.Find").AsNoTracking().FirstOrDefaultAsync(m => m.MediaId == mediaId, ct);

    public async Task AddAsync(MediaRow row, CancellationToken ct = default)
    {
        db.Media.Add(row);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Ids the user created with <c>/create</c> that are neither uploaded nor expired ("pending media uploads").</summary>
    public Task<int> CountPendingAsync(string userId, long now, CancellationToken ct = default) =>
        db.Media.TagWith("MediaStore.CountPending")
            .CountAsync(m => m.UserId == userId && m.Sha256 == null && m.UnusedExpiresTs > now, ct);

    /// <summary>
    /// Fills a created id with its content, once: the update matches only a still-empty, unexpired id of this user,
    /// so of two racing uploads one wins and the other sees 0 rows.
    /// </summary>
    public Task<int> CompleteUploadAsync(string mediaId, string userId, string sha256, long size, string contentType,
        string? uploadName, long now, CancellationToken ct = default) =>
        db.Media.TagWith("MediaStore.CompleteUpload")
            .Where(m => m.MediaId == mediaId && m.UserId == userId && m.Sha256 == null && m.UnusedExpiresTs > now)
            .ExecuteUpdateAsync(s => s
                .SetProperty(m => m.Sha256, sha256)
                .SetProperty(m => m.Size, size)
                .SetProperty(m => m.ContentType, contentType)
                .SetProperty(m => m.UploadName, uploadName)
                .SetProperty(m => m.UnusedExpiresTs, (long?)null), ct);

    /// <summary>Forgets created ids that expired unused; returns how many.</summary>
    public Task<int> DeleteExpiredPendingAsync(long now, CancellationToken ct = default) =>
        db.Media.TagWith("MediaStore.DeleteExpiredPending")
            .Where(m => m.Sha256 == null && m.UnusedExpiresTs <= now).ExecuteDeleteAsync(ct);

    public Task<RemoteMediaRow?> FindRemoteAsync(string origin, string mediaId, CancellationToken ct = default) =>
        db.RemoteMedia.TagWith("MediaStore.FindRemote").AsNoTracking().FirstOrDefaultAsync(m => m.Origin == origin && m.MediaId == mediaId, ct);

    /// <summary>
    /// Records fetched remote media. Another process that cached the same id first wins: its row is returned, and
    /// both name the same content when the origin served the same bytes.
    /// </summary>
    public async Task<RemoteMediaRow> AddRemoteAsync(RemoteMediaRow row, CancellationToken ct = default)
    {
        db.RemoteMedia.Add(row);
        try
        {
            await db.SaveChangesAsync(ct);
            return row;
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            return await FindRemoteAsync(row.Origin, row.MediaId, ct) ?? throw new InvalidOperationException("remote media row vanished");
        }
    }

    /// <summary>Records that a local user asked for cached remote media now (callers do it at most hourly per item).</summary>
    public Task<int> TouchRemoteAsync(string origin, string mediaId, long now, CancellationToken ct = default) =>
        db.RemoteMedia.TagWith("MediaStore.TouchRemote")
            .Where(m => m.Origin == origin && m.MediaId == mediaId)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.LastAccessTs, now), ct);

    /// <summary>Bytes of remote media in the cache (each cached item counted, as the limit is meant).</summary>
    public async Task<long> RemoteCacheSizeAsync(CancellationToken ct = default) =>
        await db.RemoteMedia.TagWith("MediaStore.RemoteCacheSize").SumAsync(m => (long?)m.Size, ct) ?? 0;

    /// <summary>The least recently used cached remote media, optionally only that unused since <paramref name="usedBefore"/>.</summary>
    public Task<List<RemoteMediaRow>> LeastRecentlyUsedRemoteAsync(long? usedBefore, int limit, CancellationToken ct = default) =>
        db.RemoteMedia.TagWith("MediaStore.LeastRecentlyUsedRemote").AsNoTracking()
            .Where(m => usedBefore == null || m.LastAccessTs < usedBefore)
            .OrderBy(m => m.LastAccessTs).ThenBy(m => m.Origin).ThenBy(m => m.MediaId)
            .Take(limit).ToListAsync(ct);

    /// <summary>
    /// Forgets cached remote media unless it was used since it was chosen (<paramref name="lastAccessTs"/> no longer
    /// matches): such media is recently used again and stays. Returns whether it was forgotten.
    /// </summary>
    public async Task<bool> DeleteRemoteAsync(string origin, string mediaId, long? lastAccessTs, CancellationToken ct = default) =>
        await db.RemoteMedia.TagWith("MediaStore.DeleteRemote")
            .Where(m => m.Origin == origin && m.MediaId == mediaId && (lastAccessTs == null || m.LastAccessTs == lastAccessTs))
            .ExecuteDeleteAsync(ct) > 0;

    /// <summary>Whether any local media or cached remote media names this content (its file must stay).</summary>
    public async Task<bool> IsContentReferencedAsync(string sha256, CancellationToken ct = default) =>
        await db.Media.TagWith("MediaStore.IsContentReferenced.Local").AnyAsync(m => m.Sha256 == sha256, ct) ||
        await db.RemoteMedia.TagWith("MediaStore.IsContentReferenced.Remote").AnyAsync(m => m.Sha256 == sha256, ct);
}
