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
public sealed class SyncExtras(SyncKeyData keys, ForgottenRoomStore forgotten, PushActionStore pushActions, PushRuleStore pushRules, PushRulesService ruleSets)
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
        if (since is { } s && (await pushRules.VersionAsync(userId, ct) is not { } version || version <= s || version > upTo)) return null;
        var rules = await ruleSets.RuleSetAsync(userId, ct);
        return new JsonObject { ["type"] = "m.push_rules", ["content"] = new JsonObject { ["global"] = rules.ToJson() } };
    }

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
