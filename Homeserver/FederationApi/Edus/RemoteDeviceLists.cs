using System.Text.Json.Nodes;
using Messenger.Homeserver.ClientApi.Keys;
using Messenger.Homeserver.Storage;
using Messenger.Homeserver.Storage.Rows;

namespace Messenger.Homeserver.FederationApi.Edus;

/// <summary>
/// Keeps the cached device lists of remote users ("Device Management"): an <c>m.device_list_update</c> replaces one
/// device when it follows what we hold; otherwise the list is marked stale and fetched again whole in the background
/// (<see cref="RemoteDeviceResyncer"/>, "resynchronise"), so the transaction that brought the update is answered at
/// once. An <c>m.signing_key_update</c> replaces the cross-signing keys. Every change, marking stale included, is a
/// device list change of the remote user on the stream positions (<see cref="KeyStreamWriter"/>), so local users
/// sharing a room with them see it in <c>device_lists.changed</c>; while the list is stale, key queries go to the
/// user's server.
/// </summary>
public sealed class RemoteDeviceLists(RemoteDeviceStore store, KeyStreamWriter writer, RemoteDeviceResyncer resyncer, TimeProvider time)
{
    private long Now => time.GetUtcNow().ToUnixTimeMilliseconds();

    public async Task ApplyAsync(DeviceListUpdate update, CancellationToken ct)
    {
        var held = await store.FindAsync(update.UserId, ct);
        switch (update.Judge(held is { Stale: false } ? held.StreamId : null))
        {
            case DeviceListVerdict.Ignore:
                return;
            case DeviceListVerdict.Resync:
                await MarkStaleAsync(update.UserId, ct);
                return;
        }
        await writer.RunAsync(async write =>
        {
            var device = update.Deleted ? null : new RemoteDeviceRow
            {
                UserId = update.UserId, DeviceId = update.DeviceId, KeysJson = update.Keys?.ToJsonString(), DisplayName = update.DisplayName,
            };
            await store.SetDeviceAsync(update.UserId, update.DeviceId, device, ct);
            await store.UpdateListAsync(update.UserId, update.StreamId, null, null, stale: false, Now, ct);
            write.DeviceListChanged(update.UserId, update.DeviceId);
        }, ct);
    }

    /// <summary>New master and/or self-signing keys of a user whose list we hold; otherwise the list is fetched whole.</summary>
    public async Task ApplySigningKeysAsync(string userId, JsonObject? master, JsonObject? selfSigning, CancellationToken ct)
    {
        if (await store.FindAsync(userId, ct) is not { Stale: false })
        {
            await MarkStaleAsync(userId, ct);
            return;
        }
        if (master is null && selfSigning is null) return;
        await writer.RunAsync(async write =>
        {
            await store.UpdateListAsync(userId, null, master?.ToJsonString(), selfSigning?.ToJsonString(), stale: false, Now, ct);
            write.DeviceListChanged(userId, null);
        }, ct);
    }

    /// <summary>
    /// Marks the list stale (creating it when absent), tells local roommates it changed, and has it resynced in the
    /// background; until then <c>/keys/query</c> asks the user's server.
    /// </summary>
    public async Task MarkStaleAsync(string userId, CancellationToken ct)
    {
        await writer.RunAsync(async write =>
        {
            await store.MarkStaleAsync(userId, Now, ct);
            write.DeviceListChanged(userId, null);
        }, ct);
        resyncer.Request(userId);
    }
}
