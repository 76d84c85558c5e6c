using Messenger.Homeserver.Storage.Rows;
using Microsoft.EntityFrameworkCore;

namespace Messenger.Homeserver.Storage;

/// <summary>Send-to-device messages waiting for local devices, and the transaction ids of sends ("Send-to-Device messaging").</summary>
public sealed class ToDeviceStore(HomeserverDbContext db, RoomServer.StreamChanges changes)
{
    public Task<bool> TxnExistsAsync(string userId, string deviceId, string txnId, CancellationToken ct = default) =>
        db.ToDeviceTxns.TagWith("ToDeviceStore.TxnExists").AnyAsync(t => t.UserId == userId && t.DeviceId == deviceId && t.TxnId == txnId, ct);

    public void AddTxn(ToDeviceTxnRow row) => db.ToDeviceTxns.Add(row);

    /// <summary>Stages messages whose positions are allocated and not yet finished.</summary>
    public void AddMessages(IEnumerable<ToDeviceMessageRow> rows)
    {
        foreach (var row in rows)
        {
            changes.ToDevice.Changed(RoomServer.StreamChanges.DeviceKey(row.UserId, row.DeviceId), row.Position);
            db.ToDeviceMessages.Add(row);
        }
    }

    /// <summary>The existing devices of the given users, as (user, device).</summary>
    public async Task<List<(string UserId, string DeviceId)>> DevicesOfAsync(IReadOnlyCollection<string> userIds, CancellationToken ct = default) =>
        (await db.Devices.TagWith("ToDeviceStore.DevicesOf").AsNoTracking().Where(d => userIds.Contains(d.UserId))
            .Select(d => new { d.UserId, d.DeviceId }).ToListAsync(ct))
        .Select(d => (d.UserId, d.DeviceId)).ToList();

    /// <summary>A device's messages in the window (<paramref name="after"/>, <paramref name="upTo"/>], in order of arrival, at most <paramref name="limit"/>.</summary>
    public Task<List<ToDeviceMessageRow>> PendingAsync(string userId, string deviceId, long after, long upTo, int limit, CancellationToken ct = default) =>
        db.ToDeviceMessages.TagWith("ToDeviceStore.Pending").AsNoTracking()
            .Where(m => m.UserId == userId && m.DeviceId == deviceId && m.Position > after && m.Position <= upTo)
            .OrderBy(m => m.Position).Take(limit).ToListAsync(ct);

    /// <summary>Deletes a device's messages at or below <paramref name="upTo"/>: the device acknowledged them.</summary>
    public Task<int> DeleteDeliveredAsync(string userId, string deviceId, long upTo, CancellationToken ct = default) =>
        db.ToDeviceMessages.TagWith("ToDeviceStore.DeleteDelivered")
            .Where(m => m.UserId == userId && m.DeviceId == deviceId && m.Position <= upTo).ExecuteDeleteAsync(ct);

    public Task SaveAsync(CancellationToken ct = default) => db.SaveChangesAsync(ct);
}
