using System.Globalization;
using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.RoomVersions;
using Messenger.Homeserver.ClientApi.Rooms;
using Messenger.Homeserver.Errors;
using Messenger.Homeserver.Storage;

namespace Messenger.Homeserver.ClientApi.Push;

/// <summary>
/// <c>GET /notifications</c> ("Listing Notifications"): the user's notifications, newest first, with the event, the
/// actions it got and whether a receipt covers it. Tokens are event stream positions (the next page is older).
/// </summary>
public sealed class NotificationsService(PushActionStore actions, RoomStore rooms, ClientEventFormatter formatter)
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 100;

    public async Task<JsonObject> ListAsync(string userId, string? from, int? limit, string? only, CancellationToken ct)
    {
        long? before = null;
        if (from is not null)
        {
            before = long.TryParse(from, NumberStyles.None, CultureInfo.InvariantCulture, out var position) ? position : throw MatrixError.InvalidParam("from is not a token of /notifications");
        }
        if (limit is < 1) throw MatrixError.InvalidParam("limit must be positive");
        var take = Math.Min(limit ?? DefaultLimit, MaxLimit);
        var page = await actions.PageAsync(userId, before, take, only == "highlight", ct);

        var rows = (await rooms.EventRowsAsync(page.Select(p => p.Row.EventId).ToList(), ct)).ToDictionary(r => r.EventId);
        var formatted = new Dictionary<string, JsonObject>();
        foreach (var room in rows.Values.GroupBy(r => r.RoomId))
        {
            var roomRow = await rooms.FindRoomAsync(room.Key, ct);
            if (roomRow is null || RoomVersions.Find(roomRow.RoomVersion) is not { } version) continue;
            foreach (var json in await formatter.FormatAsync(room.ToList(), version, userId, null, ct)) formatted[(string)json["event_id"]!] = json;
        }

        var notifications = new JsonArray();
        foreach (var (p, read) in page)
        {
            if (!formatted.TryGetValue(p.EventId, out var ev)) continue;
            notifications.Add(new JsonObject
            {
                ["actions"] = JsonNode.Parse(p.ActionsJson), ["event"] = ev, ["read"] = read, ["room_id"] = p.RoomId, ["ts"] = p.Ts,
            });
        }
        var body = new JsonObject { ["notifications"] = notifications };
        if (page.Count == take) body["next_token"] = page[^1].Row.StreamOrdering.ToString(CultureInfo.InvariantCulture);
        return body;
    }
}
