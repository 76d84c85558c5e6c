using System.Globalization;
using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Events;
using Messenger.Homeserver.Auth;
using Messenger.Homeserver.ClientApi.Filters;
using Messenger.Homeserver.ClientApi.Keys;
using Messenger.Homeserver.ClientApi.Sync;

namespace Messenger.Homeserver.ClientApi.SlidingSync;

/// <summary>
/// The <c>extensions</c> of a response, from the same stores as <c>/sync</c>: <c>to_device</c> (MSC3885: messages
/// after <c>since</c>, which acknowledges and deletes the earlier ones, at most 100, <c>next_batch</c> to resume) and
/// <c>e2ee</c> (MSC3884: device list changes since the connection's previous position, one-time key counts, unused
/// fallback key types), and from the same reader as <c>/sync</c>'s (<see cref="SyncSocial"/>) <c>account_data</c>,
/// <c>receipts</c> and <c>typing</c> for the joined rooms the request matches (narrowed by each extension's
/// <c>lists</c>/<c>rooms</c>): what changed since the previous response, and everything for rooms sent initial now.
/// </summary>
public sealed class SlidingExtensionsBuilder(SyncKeyData keys, SyncSocial social)
{
    public async Task<ExtensionsResult> BuildAsync(Requester requester, SlidingExtensions extensions, ConnectionState previous, long upTo,
        RoomSelection selection, IReadOnlySet<string> initialRooms, CancellationToken ct)
    {
        var json = new JsonObject();
        var hasContent = false;
        var toDevicePosition = previous.ToDevicePosition;
        if (extensions.ToDevice)
        {
            var since = extensions.ToDeviceSince ?? previous.ToDevicePosition;
            var batch = await keys.ToDeviceAsync(requester.UserId, requester.DeviceId, Math.Min(since, upTo), upTo, ct);
            toDevicePosition = batch.Through;
            json["to_device"] = new JsonObject
            {
                ["next_batch"] = batch.Through.ToString(CultureInfo.InvariantCulture),
                ["events"] = batch.Events,
            };
            hasContent |= batch.Events.Count > 0;
        }
        if (extensions.E2ee)
        {
            var e2ee = new JsonObject();
            if (previous.Position > 0)
            {
                var lists = await keys.DeviceListsAsync(requester.UserId, previous.Position, upTo, ct);
                e2ee["device_lists"] = new JsonObject
                {
                    ["changed"] = new JsonArray(lists.Changed.Select(u => (JsonNode)JsonValue.Create(u)!).ToArray()),
                    ["left"] = new JsonArray(lists.Left.Select(u => (JsonNode)JsonValue.Create(u)!).ToArray()),
                };
                hasContent |= lists.Changed.Count > 0 || lists.Left.Count > 0;
            }
            e2ee["device_one_time_keys_count"] = await keys.OneTimeKeysCountAsync(requester.UserId, requester.DeviceId, ct);
            e2ee["device_unused_fallback_key_types"] = await keys.UnusedFallbackKeyTypesAsync(requester.UserId, requester.DeviceId, ct);
            json["e2ee"] = e2ee;
        }
        hasContent |= await AddSocialAsync(json, requester.UserId, extensions, previous, upTo, selection, initialRooms, ct);
        return new ExtensionsResult(json, hasContent, toDevicePosition);
    }

    private async Task<bool> AddSocialAsync(JsonObject json, string userId, SlidingExtensions extensions, ConnectionState previous, long upTo,
        RoomSelection selection, IReadOnlySet<string> initialRooms, CancellationToken ct)
    {
        if (extensions.AccountData is null && extensions.Receipts is null && extensions.Typing is null) return false;
        List<string> Covered(ExtensionScope? scope) => scope is null ? [] : selection.Rooms.Values
            .Where(r => r.Membership.Membership == Membership.Join && scope.Covers(r.RoomId, r.Lists, r.Subscribed)).Select(r => r.RoomId).ToList();
        var accountRooms = Covered(extensions.AccountData).ToHashSet(StringComparer.Ordinal);
        var receiptRooms = Covered(extensions.Receipts).ToHashSet(StringComparer.Ordinal);
        var typingRooms = Covered(extensions.Typing).ToHashSet(StringComparer.Ordinal);
        var all = accountRooms.Concat(receiptRooms).Concat(typingRooms).Distinct().ToList();

        long? since = previous.Position > 0 ? previous.Position : null;
        var changed = await social.ReadAsync(userId, all.Where(r => !initialRooms.Contains(r)).ToList(), since, upTo, SyncFilterDefinition.Default, ct);
        var fresh = all.Any(initialRooms.Contains)
            ? await social.ReadAsync(userId, all.Where(initialRooms.Contains).ToList(), null, upTo, SyncFilterDefinition.Default, ct)
            : null;
        var rooms = new Dictionary<string, RoomSocial>(changed.Rooms, StringComparer.Ordinal);
        foreach (var (roomId, room) in fresh?.Rooms ?? []) rooms[roomId] = room;

        var hasContent = false;
        if (extensions.AccountData is not null)
        {
            var byRoom = new JsonObject();
            foreach (var (roomId, room) in rooms.Where(r => accountRooms.Contains(r.Key) && r.Value.AccountData.Count > 0))
                byRoom[roomId] = room.AccountData.DeepClone();
            json["account_data"] = new JsonObject { ["global"] = changed.AccountData, ["rooms"] = byRoom };
            hasContent |= changed.AccountData.Count > 0 || byRoom.Count > 0;
        }
        if (extensions.Receipts is not null)
        {
            var byRoom = Ephemeral(rooms, receiptRooms, "m.receipt");
            json["receipts"] = new JsonObject { ["rooms"] = byRoom };
            hasContent |= byRoom.Count > 0;
        }
        if (extensions.Typing is not null)
        {
            var byRoom = Ephemeral(rooms, typingRooms, "m.typing");
            json["typing"] = new JsonObject { ["rooms"] = byRoom };
            hasContent |= byRoom.Count > 0;
        }
        return hasContent;
    }

    /// <summary>Room id → the room's one ephemeral event of <paramref name="type"/> (receipts, typing), for the covered rooms that have one.</summary>
    private static JsonObject Ephemeral(Dictionary<string, RoomSocial> rooms, HashSet<string> covered, string type)
    {
        var byRoom = new JsonObject();
        foreach (var (roomId, room) in rooms.Where(r => covered.Contains(r.Key)))
        {
            if (room.Ephemeral.FirstOrDefault(e => (string?)e?["type"] == type) is { } ephemeral) byRoom[roomId] = ephemeral.DeepClone();
        }
        return byRoom;
    }
}

/// <summary>The extensions' JSON, whether any carries news (which ends a long-poll), and where to-device resumes.</summary>
public sealed record ExtensionsResult(JsonObject Json, bool HasContent, long ToDevicePosition);
