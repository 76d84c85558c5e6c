using System.Text.Json.Nodes;
using Messenger.Federation.Client;
using Messenger.Federation.Protocol.Identifiers;
using Messenger.Homeserver.ClientApi.Keys;
using Messenger.Homeserver.Storage;
using Messenger.Homeserver.Storage.Rows;

namespace Messenger.Homeserver.FederationApi.Edus;

/// <summary>
/// Keeps the cached device lists of remote users ("Device Management"): an <c>m.device_list_update</c> replaces one
/// device when it follows what we hold, else the whole list is fetched again from the user's server
/// (<c>GET /_matrix/federation/v1/user/devices/{userId}</c>, "resynchronise"); an <c>m.signing_key_update</c> replaces
/// the cross-signing keys. Every change is a device list change of the remote user on the stream positions
/// (<see cref="KeyStreamWriter"/>), so local users sharing a room with them see it in <c>device_lists.changed</c>. A
/// resync that fails leaves the list stale: key queries then go to the user's server until a later resync succeeds.
/// </summary>
public sealed partial class RemoteDeviceLists(RemoteDeviceStore store, KeyStreamWriter writer, IFederationClient client, TimeProvider time,
    ILogger<RemoteDeviceLists> logger)
{
    /// <summary>How long a resync may take: it runs while the sending server waits for its transaction's answer.</summary>
    public static readonly TimeSpan ResyncTimeout = TimeSpan.FromSeconds(10);

    private long Now => time.GetUtcNow().ToUnixTimeMilliseconds();

    public async Task ApplyAsync(DeviceListUpdate update, CancellationToken ct)
    {
        var held = await store.FindAsync(update.UserId, ct);
        switch (update.Judge(held is { Stale: false } ? held.StreamId : null))
        {
            case DeviceListVerdict.Ignore:
                return;
            case DeviceListVerdict.Resync:
                await ResyncAsync(update.UserId, ct);
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
            await ResyncAsync(userId, ct);
            return;
        }
        if (master is null && selfSigning is null) return;
        await writer.RunAsync(async write =>
        {
            await store.UpdateListAsync(userId, null, master?.ToJsonString(), selfSigning?.ToJsonString(), stale: false, Now, ct);
            write.DeviceListChanged(userId, null);
        }, ct);
    }

    /// <summary>Fetches the user's whole device list from their server and replaces what we hold; false when that failed.</summary>
    public async Task<bool> ResyncAsync(string userId, CancellationToken ct)
    {
        if (!UserId.TryParse(userId, out var user)) return false;
        JsonObject answer;
        try
        {
            answer = await client.GetJsonAsync(user.ServerName.Value, "/_matrix/federation/v1/user/devices/" + Uri.EscapeDataString(userId), ct,
                new FederationCallOptions(MaxRetries: 0, Timeout: ResyncTimeout));
        }
        catch (FederationRequestException e)
        {
            LogResyncFailed(logger, userId, e.Message);
            await MarkStaleAsync(userId, ct);
            return false;
        }
        if (RemoteDeviceListSnapshot.Parse(userId, answer, Now) is not { } snapshot)
        {
            LogResyncFailed(logger, userId, "malformed answer");
            await MarkStaleAsync(userId, ct);
            return false;
        }
        await writer.RunAsync(async write =>
        {
            await store.ReplaceAsync(snapshot.List, snapshot.Devices, ct);
            write.DeviceListChanged(userId, null);
        }, ct);
        LogResynced(logger, userId, snapshot.Devices.Count, snapshot.List.StreamId);
        return true;
    }

    private Task MarkStaleAsync(string userId, CancellationToken ct) =>
        writer.RunAsync(async write =>
        {
            await store.MarkStaleAsync(userId, Now, ct);
            write.DeviceListChanged(userId, null);
        }, ct);

    [LoggerMessage(EventId = 7421, Level = LogLevel.Information, Message = "Device list of {UserId} resynced: {Devices} devices, stream id {StreamId}")]
    private static partial void LogResynced(ILogger logger, string userId, int devices, long streamId);

    [LoggerMessage(EventId = 7422, Level = LogLevel.Warning, Message = "Device list of {UserId} could not be resynced: {Reason}")]
    private static partial void LogResyncFailed(ILogger logger, string userId, string reason);
}
