using Messenger.Homeserver.Storage.Rows;
using Microsoft.EntityFrameworkCore;

namespace Messenger.Homeserver.Storage;

/// <summary>Server-side key backups of local users: versions and the backed-up session keys ("Server-side key backups").</summary>
public sealed class KeyBackupStore(HomeserverDbContext db)
{
    /// <summary>The newest version not deleted (the one keys may be written to), tracked for update.</summary>
    public Task<KeyBackupVersionRow?> CurrentAsync(string userId, CancellationToken ct = default) =>
        db.KeyBackupVersions.TagWith("KeyBackupStore.Current")
            .Where(v => v.UserId == userId && !v.Deleted).OrderByDescending(v => v.Version).FirstOrDefaultAsync(ct);

    /// <summary>A version not deleted, tracked for update.</summary>
    public Task<KeyBackupVersionRow?> FindAsync(string userId, long version, CancellationToken ct = default) =>
        db.KeyBackupVersions.TagWith("KeyBackupStore.Find").FirstOrDefaultAsync(v => v.UserId == userId && v.Version == version && !v.Deleted, ct);

    /// <summary>The number after every version the user ever had, deleted ones included.</summary>
    public async Task<long> NextVersionAsync(string userId, CancellationToken ct = default) =>
        (await db.KeyBackupVersions.TagWith("KeyBackupStore.NextVersion").Where(v => v.UserId == userId).MaxAsync(v => (long?)v.Version, ct) ?? 0) + 1;

    public void AddVersion(KeyBackupVersionRow row) => db.KeyBackupVersions.Add(row);

    public Task<int> CountAsync(string userId, long version, CancellationToken ct = default) =>
        db.KeyBackupSessions.TagWith("KeyBackupStore.Count").CountAsync(s => s.UserId == userId && s.Version == version, ct);

    /// <summary>Backed-up sessions of a version, optionally of one room and one session, tracked for update.</summary>
    public Task<List<KeyBackupSessionRow>> SessionsAsync(string userId, long version, string? roomId, string? sessionId, CancellationToken ct = default) =>
        Filter(db.KeyBackupSessions.TagWith("KeyBackupStore.Sessions"), userId, version, roomId, sessionId).ToListAsync(ct);

    /// <summary>Sessions of the given rooms (to decide replacements of a batch), tracked for update.</summary>
    public Task<List<KeyBackupSessionRow>> SessionsOfRoomsAsync(string userId, long version, IReadOnlyCollection<string> roomIds, CancellationToken ct = default) =>
        db.KeyBackupSessions.TagWith("KeyBackupStore.SessionsOfRooms")
            .Where(s => s.UserId == userId && s.Version == version && roomIds.Contains(s.RoomId)).ToListAsync(ct);

    public void AddSession(KeyBackupSessionRow row) => db.KeyBackupSessions.Add(row);

    public Task<int> DeleteSessionsAsync(string userId, long version, string? roomId, string? sessionId, CancellationToken ct = default) =>
        Filter(db.KeyBackupSessions.TagWith("KeyBackupStore.DeleteSessions"), userId, version, roomId, sessionId).ExecuteDeleteAsync(ct);

    public Task SaveAsync(CancellationToken ct = default) => db.SaveChangesAsync(ct);

    /// <summary>See <see cref="HomeserverDbContext.InTransactionAsync"/>.</summary>
    public Task InTransactionAsync(Func<Task> work, CancellationToken ct = default) => db.InTransactionAsync(work, ct);

    private static IQueryable<KeyBackupSessionRow> Filter(IQueryable<KeyBackupSessionRow> rows, string userId, long version, string? roomId, string? sessionId)
    {
        rows = rows.Where(s => s.UserId == userId && s.Version == version);
        if (roomId is not null) rows = rows.Where(s => s.RoomId == roomId);
        if (sessionId is not null) rows = rows.Where(s => s.SessionId == sessionId);
        return rows;
    }
}
