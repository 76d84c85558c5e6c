using Messenger.Homeserver.RoomServer;
using Messenger.Homeserver.Storage.Rows;
using Microsoft.EntityFrameworkCore;

namespace Messenger.Homeserver.Storage;

/// <summary>
/// Read receipts of rooms. A receipt that moves takes an event stream position and wakes the room's syncs; one that
/// would move back (its event is older than the stored one's) changes nothing, as "up to" markers only go forward.
/// </summary>
public sealed class ReceiptStore(HomeserverDbContext db, StreamPositions positions, DatabaseWriteGate writeGate, EventNotifier notifier, StreamChanges changes)
{
    /// <summary>Stores <paramref name="receipt"/> (its <c>Position</c> is assigned here); false when it would not move forward.</summary>
    public async Task<bool> SetAsync(ReceiptRow receipt, CancellationToken ct)
    {
        long? position = null;
        using (await writeGate.EnterAsync(ct))
        {
            try
            {
                await db.InTransactionAsync(async () =>
                {
                    var row = await db.Receipts.TagWith("ReceiptStore.Set").FirstOrDefaultAsync(r => r.RoomId == receipt.RoomId
                        && r.ReceiptType == receipt.ReceiptType && r.UserId == receipt.UserId && r.ThreadId == receipt.ThreadId, ct);
                    if (row is not null && row.EventStreamOrdering >= receipt.EventStreamOrdering) return;
                    position = positions.Allocate();
                    changes.Receipts.Changed(receipt.RoomId, position.Value);
                    receipt.Position = position.Value;
                    if (row is null) db.Receipts.Add(receipt);
                    else
                    {
                        row.EventId = receipt.EventId;
                        row.EventStreamOrdering = receipt.EventStreamOrdering;
                        row.Ts = receipt.Ts;
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
        if (position is null) return false;
        notifier.Notify([receipt.RoomId]);
        return true;
    }

    /// <summary>
    /// The receipts of <paramref name="roomIds"/> that changed in the window (<paramref name="since"/>, <paramref name="upTo"/>],
    /// or all of them up to <paramref name="upTo"/> when <paramref name="since"/> is null (initial sync).
    /// </summary>
    public async Task<List<ReceiptRow>> ChangedAsync(IReadOnlyCollection<string> roomIds, long? since, long upTo, CancellationToken ct)
    {
        if (roomIds.Count == 0) return [];
        var ids = ParameterList.Of(roomIds);
        var query = db.Receipts.TagWith("ReceiptStore.Changed").AsNoTracking().Where(r => EF.Parameter(ids).Contains(r.RoomId) && r.Position <= upTo);
        if (since is { } s) query = query.Where(r => r.Position > s);
        return await query.ToListAsync(ct);
    }

    /// <summary>The highest position receipts took (the stream continues after it at start-up).</summary>
    public async Task<long> MaxPositionAsync(CancellationToken ct) =>
        await db.Receipts.TagWith("ReceiptStore.MaxPosition").MaxAsync(r => (long?)r.Position, ct) ?? 0;
}
