using System.Text.Json;
using Messenger.Homeserver.Configuration;
using Messenger.Homeserver.Storage.Rows;
using Microsoft.EntityFrameworkCore;

namespace Messenger.Homeserver.Storage;

/// <summary>Send-to-device messages waiting for local devices, and the transaction ids of sends ("Send-to-Device messaging").</summary>
public sealed class ToDeviceStore(HomeserverDbContext db, HomeserverConfig config, RoomServer.StreamChanges changes)
{
    /// <summary>
    /// Records a send's transaction id in the current transaction unless it is recorded already: false for a retry,
    /// which must store nothing. One statement (<c>ON CONFLICT DO NOTHING</c>) checks and records, so two concurrent
    /// sends with one transaction id cannot both pass (the second waits on the first's key, then finds it).
    /// </summary>
    public async Task<bool> TryAddTxnAsync(ToDeviceTxnRow row, CancellationToken ct = default) =>
        await db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO to_device_txns (user_id, device_id, txn_id, created_ts, position)
            VALUES ({row.UserId}, {row.DeviceId}, {row.TxnId}, {row.CreatedTs}, {row.Position})
            ON CONFLICT DO NOTHING
            """, ct) == 1;

    /// <summary>
    /// Inserts one send's copies (one per recipient device, all at <paramref name="position"/>) in a single statement:
    /// a fan-out to hundreds of devices is one round trip, not one per device nor EF change tracking of every row.
    /// PostgreSQL takes the columns as arrays (<c>unnest</c>), SQLite as one JSON array (<c>json_each</c>).
    /// </summary>
    public Task<int> InsertMessagesAsync(long position, string sender, string type,
        IReadOnlyList<(string UserId, string DeviceId, string ContentJson)> messages, CancellationToken ct = default)
    {
        if (messages.Count == 0) return Task.FromResult(0);
        foreach (var (userId, deviceId, _) in messages) changes.ToDevice.Changed(RoomServer.StreamChanges.DeviceKey(userId, deviceId), position);
        if (config.Database.Type == DatabaseConfig.Postgres)
        {
            var users = messages.Select(m => m.UserId).ToArray();
            var devices = messages.Select(m => m.DeviceId).ToArray();
            var contents = messages.Select(m => m.ContentJson).ToArray();
            return db.Database.ExecuteSqlAsync(
                $"""
                INSERT INTO to_device_messages (user_id, device_id, position, sender, type, content_json)
                SELECT r.u, r.d, {position}, {sender}, {type}, r.c FROM unnest({users}, {devices}, {contents}) AS r(u, d, c)
                """, ct);
        }
        var rows = JsonSerializer.Serialize(messages.Select(m => new[] { m.UserId, m.DeviceId, m.ContentJson }));
        return db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO to_device_messages (user_id, device_id, position, sender, type, content_json)
            SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), {position}, {sender}, {type}, json_extract(value, '$[2]')
            FROM json_each({rows})
            """, ct);
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
}
