using Messenger.Homeserver.Storage.Rows;
using Microsoft.EntityFrameworkCore;

namespace Messenger.Homeserver.Storage;

/// <summary>The room directory: local aliases ("Room aliases") and whether a room is published.</summary>
public sealed class RoomDirectoryStore(HomeserverDbContext db)
{
    public Task<RoomAliasRow?> FindAliasAsync(string alias, CancellationToken ct = default) =>
        db.RoomAliases.TagWith("RoomDirectoryStore.FindAlias").AsNoTracking().FirstOrDefaultAsync(a => a.Alias == alias, ct);

    /// <summary>The local aliases of a room, in alias order.</summary>
    public Task<List<string>> AliasesOfAsync(string roomId, CancellationToken ct = default) =>
        db.RoomAliases.TagWith("RoomDirectoryStore.AliasesOf").AsNoTracking()
            .Where(a => a.RoomId == roomId).OrderBy(a => a.Alias).Select(a => a.Alias).ToListAsync(ct);

    /// <summary>Adds an alias now; false if it is taken (also when a concurrent request took it first).</summary>
    public async Task<bool> TryAddAliasAsync(RoomAliasRow row, CancellationToken ct = default)
    {
        if (await FindAliasAsync(row.Alias, ct) is not null) return false;
        db.RoomAliases.Add(row);
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateException)
        {
            db.Entry(row).State = EntityState.Detached;
            if (await FindAliasAsync(row.Alias, ct) is not null) return false;
            throw;
        }
        finally
        {
            db.Entry(row).State = EntityState.Detached;
        }
    }

    /// <summary>
    /// Adds an alias to the unit of work without saving: the room server's next persisted batch saves it in the same
    /// transaction as its events (<see cref="EventPersister"/> saves every pending change), so a room created with an
    /// alias has both or neither.
    /// </summary>
    public void StageAlias(RoomAliasRow row) => db.RoomAliases.Add(row);

    /// <summary>
    /// Points every local alias of <paramref name="fromRoom"/> at <paramref name="toRoom"/> in the unit of work, saved
    /// with the next persisted batch (room upgrades: the aliases move with the replacement room's creation).
    /// </summary>
    public async Task StageMoveAliasesAsync(string fromRoom, string toRoom, CancellationToken ct = default)
    {
        foreach (var row in await db.RoomAliases.TagWith("RoomDirectoryStore.MoveAliases").Where(a => a.RoomId == fromRoom).ToListAsync(ct))
            row.RoomId = toRoom;
    }

    /// <summary>Deletes an alias; false if it did not exist.</summary>
    public async Task<bool> DeleteAliasAsync(string alias, CancellationToken ct = default) =>
        await db.RoomAliases.TagWith("RoomDirectoryStore.DeleteAlias").Where(a => a.Alias == alias).ExecuteDeleteAsync(ct) > 0;

    /// <summary>Lists or unlists a room in the published room directory.</summary>
    public Task SetPublishedAsync(string roomId, bool published, CancellationToken ct = default) =>
        db.Rooms.TagWith("RoomDirectoryStore.SetPublished").Where(r => r.RoomId == roomId)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.IsPublic, published), ct);
}
