using System.Text.Json.Nodes;
using Messenger.Homeserver.ClientApi.AccountData;
using Messenger.Homeserver.ClientApi.Filters;
using Messenger.Homeserver.ClientApi.Presence;
using Messenger.Homeserver.ClientApi.Receipts;
using Messenger.Homeserver.ClientApi.Typing;
using Messenger.Homeserver.Storage;
using Messenger.Homeserver.Storage.Rows;

namespace Messenger.Homeserver.ClientApi.Sync;

/// <summary>
/// What a sync window carries about the user and the people around them, read from their stores: account data (global
/// and per room), receipts and typing (a room's <c>ephemeral</c>), presence, and the user's ignored users. Kept out of
/// <see cref="SyncService"/> so that other sync flavours (sliding sync) read the same.
/// </summary>
public sealed class SyncSocial(AccountDataStore accountData, ReceiptStore receipts, TypingTracker typing, PresenceSync presence, IgnoredUsers ignoredUsers,
    SyncMemo memo)
{
    /// <summary>
    /// The window (<paramref name="since"/>, <paramref name="upTo"/>] for a user joined to <paramref name="joinedRooms"/>:
    /// only what changed in it, or everything when <paramref name="since"/> is null (initial sync).
    /// </summary>
    public async Task<SocialWindow> ReadAsync(string userId, IReadOnlyCollection<string> joinedRooms, long? since, long upTo, SyncFilterDefinition filter, CancellationToken ct)
    {
        var joined = joinedRooms.ToHashSet(StringComparer.Ordinal);
        var rooms = new Dictionary<string, RoomSocial>(StringComparer.Ordinal);
        RoomSocial Room(string roomId) => rooms.TryGetValue(roomId, out var r) ? r : rooms[roomId] = new RoomSocial([], []);

        var global = new JsonArray();
        // The change caches spare the account data and receipt queries when nothing of the user's or their rooms' changed.
        var changedAccountData = since is { } accountSince && !memo.Changes.AccountData.MayHaveChanged(userId, accountSince) ? [] : await accountData.ChangedAsync(userId, since, upTo, ct);
        foreach (var row in changedAccountData.OrderBy(r => r.Position))
        {
            var json = new JsonObject { ["type"] = row.Type, ["content"] = JsonNode.Parse(row.Content) };
            if (row.RoomId == AccountDataStore.Global)
            {
                if (filter.AccountData.Allows(row.Type, userId, null)) global.Add(json);
            }
            else if (joined.Contains(row.RoomId) && filter.RoomAccountData.Allows(row.Type, userId, null)) Room(row.RoomId).AccountData.Add(json);
        }

        if (filter.Ephemeral.Allows("m.receipt", userId, null))
        {
            var receiptRooms = since is { } receiptsSince ? memo.Changes.Receipts.MayHaveChanged(joinedRooms, receiptsSince) : [.. joinedRooms];
            var changedReceipts = receiptRooms.Count == 0 ? [] : await receipts.ChangedAsync(receiptRooms, since, upTo, ct);
            foreach (var byRoom in changedReceipts.GroupBy(r => r.RoomId))
            {
                // "Servers MUST NOT send the m.read.private receipt to any other user than the one which originally sent it."
                var visible = byRoom.Where(r => r.ReceiptType != ReceiptService.ReadPrivate || r.UserId == userId).ToList();
                if (visible.Count > 0) Room(byRoom.Key).Ephemeral.Add(ReceiptEvent(visible));
            }
        }
        if (filter.Ephemeral.Allows("m.typing", userId, null))
        {
            foreach (var (roomId, users) in typing.Changed(joinedRooms, since, upTo))
            {
                Room(roomId).Ephemeral.Add(new JsonObject
                {
                    ["type"] = "m.typing",
                    ["content"] = new JsonObject { ["user_ids"] = new JsonArray(users.Select(u => (JsonNode)JsonValue.Create(u)).ToArray()) },
                });
            }
        }
        var presenceEvents = filter.Presence.Allows("m.presence", userId, null) ? await presence.EventsAsync(userId, joinedRooms, since, upTo, ct) : [];
        return new SocialWindow(global, rooms, presenceEvents, await memo.IgnoredAsync(userId, () => ignoredUsers.OfAsync(userId, ct)));
    }

    /// <summary>Marks the user as syncing while a sync request runs (presence: online unless <c>set_presence</c> says otherwise).</summary>
    public IDisposable Syncing(string userId, string setPresence) => presence.Syncing(userId, setPresence);

    /// <summary>One <c>m.receipt</c> event for a room: event id → receipt type → user → <c>ts</c> and <c>thread_id</c> if threaded.</summary>
    private static JsonObject ReceiptEvent(IEnumerable<ReceiptRow> rows)
    {
        var content = new JsonObject();
        foreach (var row in rows.OrderBy(r => r.Position))
        {
            var byType = content[row.EventId] as JsonObject ?? (JsonObject)(content[row.EventId] = new JsonObject());
            var byUser = byType[row.ReceiptType] as JsonObject ?? (JsonObject)(byType[row.ReceiptType] = new JsonObject());
            var receipt = new JsonObject { ["ts"] = row.Ts };
            if (row.ThreadId.Length > 0) receipt["thread_id"] = row.ThreadId;
            byUser[row.UserId] = receipt;
        }
        return new JsonObject { ["type"] = "m.receipt", ["content"] = content };
    }
}

/// <summary>The social part of one sync window: global account data, per-room extras, presence, and whom the user ignores.</summary>
public sealed record SocialWindow(JsonArray AccountData, Dictionary<string, RoomSocial> Rooms, JsonArray Presence, IReadOnlySet<string> Ignored);

/// <summary>A joined room's <c>ephemeral</c> and <c>account_data</c> events in one sync window.</summary>
public sealed record RoomSocial(JsonArray Ephemeral, JsonArray AccountData);
