using System.Text.Json.Nodes;
using Messenger.Federation.Client;
using Messenger.Federation.Protocol.Identifiers;
using Messenger.Homeserver.ClientApi.Keys;
using Messenger.Homeserver.Storage;

namespace Messenger.Homeserver.FederationApi.Edus;

/// <summary>
/// One resync of a remote user's device list, run by <see cref="RemoteDeviceResyncer"/>: the whole list is fetched from
/// the user's server (<c>GET /_matrix/federation/v1/user/devices/{userId}</c>, "Device Management") and replaces what we
/// hold, recorded as a device list change so local roommates query again. A user who shares no room with our users
/// any more is not fetched: what we held of them is dropped instead (as <see cref="RemoteDeviceListSharing"/> does). A
/// failed fetch leaves the list stale.
/// </summary>
public sealed partial class RemoteDeviceListFetcher(RemoteDeviceStore store, KeyStreamWriter writer, IFederationClient client, EduAudience audience,
    TimeProvider time, ILogger<RemoteDeviceListFetcher> logger)
{
    /// <summary>How long one fetch may take; it runs in the background, so a slow server delays only its own users.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>True when done (resynced, or nothing to do); false when it should be tried again later.</summary>
    public async Task<bool> ResyncAsync(string userId, CancellationToken ct)
    {
        if (!UserId.TryParse(userId, out var user)) return true;
        if (await DroppedAsync(userId, ct)) return true;
        JsonObject answer;
        try
        {
            answer = await client.GetJsonAsync(user.ServerName.Value, "/_matrix/federation/v1/user/devices/" + Uri.EscapeDataString(userId), ct,
                new FederationCallOptions(MaxRetries: 0, Timeout: Timeout));
        }
        catch (FederationRequestException e)
        {
            LogResyncFailed(logger, userId, e.Message);
            return false;
        }
        if (RemoteDeviceListSnapshot.Parse(userId, answer, time.GetUtcNow().ToUnixTimeMilliseconds()) is not { } snapshot)
        {
            LogResyncFailed(logger, userId, "malformed answer");
            return false;
        }
        // Sharing may have ended while the user's server answered.
        if (await DroppedAsync(userId, ct)) return true;
        await writer.RunAsync(async write =>
        {
            await store.ReplaceAsync(snapshot.List, snapshot.Devices, ct);
            write.DeviceListChanged(userId, null);
        }, ct);
        LogResynced(logger, userId, snapshot.Devices.Count, snapshot.List.StreamId);
        return true;
    }

    /// <summary>True (and whatever we held dropped) when the user shares no room with our users.</summary>
    private async Task<bool> DroppedAsync(string userId, CancellationToken ct)
    {
        if (await audience.SharesRoomWithLocalUserAsync(userId, ct)) return false;
        await writer.RunAsync(_ => store.DropAsync(userId, ct), ct);
        return true;
    }

    [LoggerMessage(EventId = 7421, Level = LogLevel.Information, Message = "Device list of {UserId} resynced: {Devices} devices, stream id {StreamId}")]
    private static partial void LogResynced(ILogger logger, string userId, int devices, long streamId);

    [LoggerMessage(EventId = 7422, Level = LogLevel.Warning, Message = "Device list of {UserId} could not be resynced: {Reason}")]
    private static partial void LogResyncFailed(ILogger logger, string userId, string reason);
}
