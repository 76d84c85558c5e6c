using System.Text.Json.Nodes;
using Messenger.Homeserver.RoomServer;
using Messenger.Homeserver.Storage.Rows;
using Microsoft.EntityFrameworkCore;

namespace Messenger.Homeserver.Storage;

/// <summary>
/// Users' account data, global and per room. Every change takes an event stream position and wakes the user's sync,
/// so a client following <c>next_batch</c> gets each changed type once, in the window it changed in.
/// </summary>
public sealed class AccountDataStore(HomeserverDbContext db, StreamPositions positions, DatabaseWriteGate writeGate, EventNotifier notifier, StreamChanges changes)
{
    /// <summary>The room id of global account data in the table (room ids are never empty).</summary>
    public const string Global = "";

    /// <summary>The content of one type, or null when the user never set it.</summary>
    public async Task<JsonObject?> GetAsync(string userId, string roomId, string type, CancellationToken ct)
    {
        var content = await db.AccountData.TagWith("AccountDataStore.Get").AsNoTracking()
            .Where(a => a.UserId == userId && a.RoomId == roomId && a.Type == type).Select(a => a.Content).FirstOrDefaultAsync(ct);
        return content is null ? null : JsonNode.Parse(content) as JsonObject;
    }

    /// <summary>Replaces the content of one type.</summary>
    public Task SetAsync(string userId, string roomId, string type, JsonObject content, CancellationToken ct) =>
        UpdateAsync(userId, roomId, type, _ => content, ct);

    /// <summary>
    /// Changes one type in one transaction: <paramref name="change"/> gets the current content (null if none) and
    /// returns the new one (an exception from it stores nothing). Then the user's sync wakes.
    /// </summary>
    public async Task UpdateAsync(string userId, string roomId, string type, Func<JsonObject?, JsonObject> change, CancellationToken ct)
    {
        long? position = null;
        using (await writeGate.EnterAsync(ct))
        {
            try
            {
                await db.InTransactionAsync(async () =>
                {
                    var row = await db.AccountData.TagWith("AccountDataStore.Update")
                        .FirstOrDefaultAsync(a => a.UserId == userId && a.RoomId == roomId && a.Type == type, ct);
                    var content = change(row is null ? null : JsonNode.Parse(row.Content) as JsonObject).ToJsonString();
                    position = positions.Allocate();
                    changes.AccountData.Changed(userId, position.Value);
                    if (row is null) db.AccountData.Add(new AccountDataRow { UserId = userId, RoomId = roomId, Type = type, Content = content, Position = position.Value });
                    else
                    {
                        row.Content = content;
                        row.Position = position.Value;
                    }
                    await db.SaveChangesAsync(ct);
                }, ct);
            }
            finally
            {
                db.ChangeTracker.Clear();
                if (position is { } p) positions.Finish(p);
            }
        }
        notifier.Notify([userId]);
    }

    /// <summary>
    /// The user's account data changed in the window (<paramref name="since"/>, <paramref name="upTo"/>], or all of it
    /// up to <paramref name="upTo"/> when <paramref name="since"/> is null (initial sync). Global rows have an empty room id.
    /// </summary>
    public Task<List<AccountDataRow>> ChangedAsync(string userId, long? since, long upTo, CancellationToken ct)
    {
        var query = db.AccountData.TagWith("AccountDataStore.Changed").AsNoTracking().Where(a => a.UserId == userId && a.Position <= upTo);
        if (since is { } s) query = query.Where(a => a.Position > s);
        return query.ToListAsync(ct);
    }

    /// <summary>The highest position account data took (the stream continues after it at start-up).</summary>
    public async Task<long> MaxPositionAsync(CancellationToken ct) =>
        await db.AccountData.TagWith("AccountDataStore.MaxPosition").MaxAsync(a => (long?)a.Position, ct) ?? 0;
}
