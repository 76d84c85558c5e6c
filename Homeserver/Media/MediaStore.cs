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
}
