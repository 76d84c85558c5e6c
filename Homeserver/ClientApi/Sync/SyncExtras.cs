using System.Text.Json.Nodes;
using Messenger.Homeserver.Auth;
using Messenger.Homeserver.ClientApi.Keys;
using Messenger.Homeserver.ClientApi.Push;
using Messenger.Homeserver.Push;
using Messenger.Homeserver.Storage;

namespace Messenger.Homeserver.ClientApi.Sync;

/// <summary>
/// The parts of a sync response that other modules own, gathered behind one dependency of <see cref="SyncService"/>:
/// end-to-end encryption (to-device, device lists, one-time key counts) and forgotten rooms.
/// </summary>
public sealed class SyncExtras(SyncKeyData keys, ForgottenRoomStore forgotten, PushActionStore pushActions, PushRuleStore pushRules, PushRulesService ruleSets,
    SyncMemo memo)
{
    /// <summary>Unread notification counts of the rooms, as of the window's end, in one query (rooms without any are absent).</summary>
    public Task<Dictionary<string, RoomUnreadCounts>> UnreadCountsAsync(string userId, IReadOnlyCollection<string> roomIds, long upTo, CancellationToken ct) =>
        pushActions.UnreadCountsAsync(userId, roomIds, upTo, ct);

    /// <summary>
    /// The user's <c>m.push_rules</c> account data event, when the rules changed inside the window or the client has
    /// none yet (initial sync); otherwise null.
    /// </summary>
    public async Task<JsonObject?> PushRulesEventAsync(string userId, long? since, long upTo, CancellationToken ct)
    {
        if (since is { } unchanged && !memo.Changes.PushRules.MayHaveChanged(userId, unchanged)) return null;
        if (since is { } s && (await pushRules.VersionAsync(userId, ct) is not { } version || version <= s || version > upTo)) return null;
        var rules = await ruleSets.RuleSetAsync(userId, ct);
        return new JsonObject { ["type"] = "m.push_rules", ["content"] = new JsonObject { ["global"] = rules.ToJson() } };
    }

    public Task<HashSet<string>> ForgottenMembershipEventsAsync(string userId, CancellationToken ct) =>
        forgotten.ForgottenMembershipEventsAsync(userId, ct);

    /// <summary>
    /// The device's share of the window: to-device messages (resuming at the token's to-device position), device list
    /// changes, key counts. With <paramref name="joinedRooms"/> (all the user's joined rooms) the change caches spare
    /// the to-device and device list queries when nothing of theirs changed.
    /// </summary>
    public async Task<SyncKeys> KeysAsync(Requester requester, SyncToken? since, long upTo, IReadOnlyCollection<string>? joinedRooms, CancellationToken ct)
    {
        var toDevice = await ToDeviceAsync(requester, since?.ToDevice ?? 0, upTo, ct);
        var lists = since is { } s && DeviceListsMayHaveChanged(requester.UserId, s.Events, joinedRooms)
            ? await keys.DeviceListsAsync(requester.UserId, s.Events, upTo, ct)
            : new DeviceListDelta([], []);
        return new SyncKeys(
            toDevice.Events, toDevice.Through,
            new JsonArray(lists.Changed.Select(u => (JsonNode)JsonValue.Create(u)!).ToArray()),
            new JsonArray(lists.Left.Select(u => (JsonNode)JsonValue.Create(u)!).ToArray()),
            await keys.OneTimeKeysCountAsync(requester.UserId, requester.DeviceId, ct),
            await keys.UnusedFallbackKeyTypesAsync(requester.UserId, requester.DeviceId, ct));
    }

    public Task<SyncKeys> KeysAsync(Requester requester, SyncToken? since, long upTo, CancellationToken ct) => KeysAsync(requester, since, upTo, null, ct);

    /// <summary>To-device messages after <paramref name="since"/>; the queries run only when the caches cannot rule them out.</summary>
    private async Task<ToDeviceBatch> ToDeviceAsync(Requester requester, long since, long upTo, CancellationToken ct)
    {
        var key = RoomServer.StreamChanges.DeviceKey(requester.UserId, requester.DeviceId);
        var mustDelete = since > 0 && memo.MayHaveDeliveredToDelete(requester.UserId, requester.DeviceId, since);
        if (since > 0 && !mustDelete && !memo.Changes.ToDevice.MayHaveChanged(key, since)) return new ToDeviceBatch([], upTo, false);
        var batch = await keys.ToDeviceAsync(requester.UserId, requester.DeviceId, since, upTo, ct);
        if (since > 0) memo.DeliveredDeleted(requester.UserId, requester.DeviceId, since);
        return batch;
    }

    /// <summary>
    /// Device lists change for the user only through a device list change (anyone's) or a member event in one of their
    /// rooms or of themselves (see <c>DeviceListDeltas</c>); false when the caches rule out all of these.
    /// </summary>
    private bool DeviceListsMayHaveChanged(string userId, long since, IReadOnlyCollection<string>? joinedRooms) =>
        joinedRooms is null || memo.Changes.DeviceLists.MayHaveChanged(RoomServer.StreamChanges.AnyUser, since)
        || memo.Changes.Memberships.MayHaveChanged(userId, since) || joinedRooms.Any(r => memo.Changes.RoomMembers.MayHaveChanged(r, since));
}

/// <summary>The end-to-end encryption part of one sync response.</summary>
public sealed record SyncKeys(JsonArray ToDevice, long ToDeviceThrough, JsonArray Changed, JsonArray Left, JsonObject OneTimeKeyCounts, JsonArray UnusedFallbackKeyTypes);
