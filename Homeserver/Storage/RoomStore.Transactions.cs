using Microsoft.EntityFrameworkCore;

namespace Messenger.Homeserver.Storage;

public sealed partial class RoomStore
{
    /// <summary>
    /// The events earlier sends of these client transactions (user, device, txn id) created, keyed like the input: one
    /// query for a whole batch of sends ("Transaction identifiers").
    /// </summary>
    public async Task<Dictionary<(string UserId, string DeviceId, string TxnId), string>> TxnEventsAsync(
        IReadOnlyCollection<(string UserId, string DeviceId, string TxnId)> transactions, CancellationToken ct = default)
    {
        if (transactions.Count == 0) return [];
        if (transactions.Count == 1)
        {
            var (user, device, txn) = transactions.First();
            return await TxnEventAsync(user, device, txn, ct) is { } id ? new() { [(user, device, txn)] = id } : [];
        }
        var users = transactions.Select(t => t.UserId).Distinct(StringComparer.Ordinal).ToList();
        var txnIds = transactions.Select(t => t.TxnId).Distinct(StringComparer.Ordinal).ToList();
        var rows = await db.EventTxns.TagWith("RoomStore.TxnEvents").AsNoTracking()
            .Where(t => users.Contains(t.UserId) && txnIds.Contains(t.TxnId)).ToListAsync(ct);
        var wanted = transactions.ToHashSet();
        return rows.Where(r => wanted.Contains((r.UserId, r.DeviceId, r.TxnId))).ToDictionary(r => (r.UserId, r.DeviceId, r.TxnId), r => r.EventId);
    }
}
