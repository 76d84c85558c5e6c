using Messenger.Homeserver.Storage.Rows;
using Microsoft.EntityFrameworkCore;

namespace Messenger.Homeserver.Storage;

/// <summary>
/// The cached device lists of remote users ("Device Management"), kept up to date by their servers'
/// <c>m.device_list_update</c> and <c>m.signing_key_update</c> EDUs and by resyncs through <c>/user/devices</c>.
/// Writes are staged; the caller's <c>KeyStreamWriter</c> transaction saves them with the device list change.
/// </summary>
public sealed class RemoteDeviceStore(HomeserverDbContext db)
{
    public Task<RemoteDeviceListRow?> FindAsync(string userId, CancellationToken ct = default) =>
        db.RemoteDeviceLists.TagWith("RemoteDeviceStore.Find").AsNoTracking().FirstOrDefaultAsync(l => l.UserId == userId, ct);

    public Task<List<RemoteDeviceListRow>> ListsAsync(IReadOnlyCollection<string> userIds, CancellationToken ct = default) =>
        db.RemoteDeviceLists.TagWith("RemoteDeviceStore.Lists").AsNoTracking().Where(l => userIds.Contains(l.UserId)).ToListAsync(ct);

    public Task<List<RemoteDeviceRow>> DevicesAsync(IReadOnlyCollection<string> userIds, CancellationToken ct = default) =>
        db.RemoteDevices.TagWith("RemoteDeviceStore.Devices").AsNoTracking().Where(d => userIds.Contains(d.UserId)).ToListAsync(ct);

    /// <summary>Replaces everything held of the user with a full list (a resync).</summary>
    public async Task ReplaceAsync(RemoteDeviceListRow list, IEnumerable<RemoteDeviceRow> devices, CancellationToken ct = default)
    {
        await db.RemoteDevices.TagWith("RemoteDeviceStore.ClearDevices").Where(d => d.UserId == list.UserId).ExecuteDeleteAsync(ct);
        await db.RemoteDeviceLists.TagWith("RemoteDeviceStore.ClearList").Where(l => l.UserId == list.UserId).ExecuteDeleteAsync(ct);
        db.RemoteDeviceLists.Add(list);
        db.RemoteDevices.AddRange(devices);
    }

    /// <summary>Stages one device's new keys and name, or its deletion (<paramref name="device"/> null).</summary>
    public async Task SetDeviceAsync(string userId, string deviceId, RemoteDeviceRow? device, CancellationToken ct = default)
    {
        await db.RemoteDevices.TagWith("RemoteDeviceStore.ClearDevice").Where(d => d.UserId == userId && d.DeviceId == deviceId).ExecuteDeleteAsync(ct);
        if (device is not null) db.RemoteDevices.Add(device);
    }

    /// <summary>
    /// Stages the list's new stream id and cross-signing keys (each only when given) and its staleness, creating the
    /// list when absent; false when it was absent.
    /// </summary>
    public async Task<bool> UpdateListAsync(string userId, long? streamId, string? masterKeyJson, string? selfSigningKeyJson, bool stale, long now,
        CancellationToken ct = default)
    {
        var list = await db.RemoteDeviceLists.TagWith("RemoteDeviceStore.UpdateList").FirstOrDefaultAsync(l => l.UserId == userId, ct);
        var existed = list is not null;
        if (list is null) db.RemoteDeviceLists.Add(list = new RemoteDeviceListRow { UserId = userId });
        if (streamId is { } id) list.StreamId = id;
        if (masterKeyJson is not null) list.MasterKeyJson = masterKeyJson;
        if (selfSigningKeyJson is not null) list.SelfSigningKeyJson = selfSigningKeyJson;
        list.Stale = stale;
        list.UpdatedTs = now;
        return existed;
    }

    /// <summary>Deletes everything held of the user (they share no room with our users any more, so no update would reach us).</summary>
    public async Task DropAsync(string userId, CancellationToken ct = default)
    {
        await db.RemoteDevices.TagWith("RemoteDeviceStore.DropDevices").Where(d => d.UserId == userId).ExecuteDeleteAsync(ct);
        await db.RemoteDeviceLists.TagWith("RemoteDeviceStore.DropList").Where(l => l.UserId == userId).ExecuteDeleteAsync(ct);
    }

    /// <summary>The users whose list is stale (a resync is owed).</summary>
    public Task<List<string>> StaleUsersAsync(CancellationToken ct = default) =>
        db.RemoteDeviceLists.TagWith("RemoteDeviceStore.StaleUsers").AsNoTracking().Where(l => l.Stale).Select(l => l.UserId).ToListAsync(ct);

    /// <summary>Of <paramref name="userIds"/>, those we hold a list of (stale or not).</summary>
    public Task<List<string>> HeldAsync(IReadOnlyCollection<string> userIds, CancellationToken ct = default) =>
        db.RemoteDeviceLists.TagWith("RemoteDeviceStore.Held").AsNoTracking().Where(l => userIds.Contains(l.UserId)).Select(l => l.UserId).ToListAsync(ct);

    /// <summary>Marks the user's list as not to be trusted (creating it when absent), so queries go to the user's server.</summary>
    public Task MarkStaleAsync(string userId, long now, CancellationToken ct = default) =>
        UpdateListAsync(userId, null, null, null, stale: true, now, ct);
}
