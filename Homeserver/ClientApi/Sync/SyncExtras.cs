using System.Text.Json.Nodes;
using Messenger.Homeserver.Auth;
using Messenger.Homeserver.ClientApi.Keys;
using Messenger.Homeserver.Storage;

namespace Messenger.Homeserver.ClientApi.Sync;

/// <summary>
/// The parts of a sync response that other modules own, gathered behind one dependency of <see cref="SyncService"/>:
/// end-to-end encryption (to-device, device lists, one-time key counts) and forgotten rooms.
/// </summary>
public sealed class SyncExtras(SyncKeyData keys, ForgottenRoomStore forgotten)
{
    public Task<HashSet<string>> ForgottenMembershipEventsAsync(string userId, CancellationToken ct) =>
        forgotten.ForgottenMembershipEventsAsync(userId, ct);

    /// <summary>The device's share of the window: to-device messages (resuming at the token's to-device position), device list changes, key counts.</summary>
    public async Task<SyncKeys> KeysAsync(Requester requester, SyncToken? since, long upTo, CancellationToken ct)
    {
        var toDevice = await keys.ToDeviceAsync(requester.UserId, requester.DeviceId, since?.ToDevice ?? 0, upTo, ct);
        var lists = since is { } s ? await keys.DeviceListsAsync(requester.UserId, s.Events, upTo, ct) : new DeviceListDelta([], []);
        return new SyncKeys(
            toDevice.Events, toDevice.Through,
            new JsonArray(lists.Changed.Select(u => (JsonNode)JsonValue.Create(u)!).ToArray()),
            new JsonArray(lists.Left.Select(u => (JsonNode)JsonValue.Create(u)!).ToArray()),
            await keys.OneTimeKeysCountAsync(requester.UserId, requester.DeviceId, ct),
            await keys.UnusedFallbackKeyTypesAsync(requester.UserId, requester.DeviceId, ct));
    }
}

/// <summary>The end-to-end encryption part of one sync response.</summary>
public sealed record SyncKeys(JsonArray ToDevice, long ToDeviceThrough, JsonArray Changed, JsonArray Left, JsonObject OneTimeKeyCounts, JsonArray UnusedFallbackKeyTypes);
