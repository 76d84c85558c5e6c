using Messenger.Federation.Protocol.Events;
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

    /// <summary>Whether the room is listed; null for a room this server does not know.</summary>
    public async Task<bool?> IsPublishedAsync(string roomId, CancellationToken ct = default) =>
        await db.Rooms.TagWith("RoomDirectoryStore.IsPublished").AsNoTracking()
            .Where(r => r.RoomId == roomId).Select(r => (bool?)r.IsPublic).FirstOrDefaultAsync(ct);

    /// <summary>
    /// Every published room with its summary and joined member count (two queries). The published list is a curated,
    /// small set, so callers filter and sort it in memory with culture-aware case folding SQLite lacks.
    /// </summary>
    public async Task<List<(RoomSummaryRow Summary, int JoinedMembers)>> PublishedRoomsAsync(CancellationToken ct = default)
    {
        var rooms = await (from r in db.Rooms.TagWith("RoomDirectoryStore.PublishedRooms").AsNoTracking()
                           where r.IsPublic
                           join s in db.RoomSummaries on r.RoomId equals s.RoomId into summaries
                           from s in summaries.DefaultIfEmpty()
                           select new { r.RoomId, Summary = s }).ToListAsync(ct);
        var ids = rooms.Select(r => r.RoomId).ToList();
        var counts = await db.CurrentState.TagWith("RoomDirectoryStore.PublishedRoomMembers").AsNoTracking()
            .Where(s => ids.Contains(s.RoomId) && s.Type == EventTypes.Member && s.Membership == Membership.Join)
            .GroupBy(s => s.RoomId).Select(g => new { RoomId = g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.RoomId, g => g.Count, ct);
        return rooms.Select(r => (r.Summary ?? new RoomSummaryRow { RoomId = r.RoomId }, counts.GetValueOrDefault(r.RoomId))).ToList();
    }
}
