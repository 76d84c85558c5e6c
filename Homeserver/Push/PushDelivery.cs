using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Events;
using Messenger.Homeserver.Storage;
using Messenger.Homeserver.Storage.Rows;

namespace Messenger.Homeserver.Push;

/// <summary>
/// Delivers a user's new notifications to each of their pushers, in stream order, in the Push Gateway API format
/// (<c>notification</c> with the event, <c>counts</c> and one <c>devices</c> entry). Each pusher remembers how far it
/// got. A gateway still failing after the client's retries is tried again later; after <see cref="GiveUpAfter"/> its
/// notifications are skipped. Pushkeys the gateway rejects lose their pusher, as the spec asks.
/// </summary>
public sealed class PushDelivery(PusherStore pushers, PushActionStore actions, RoomStore rooms, PushGatewayClient gateway, TimeProvider time)
{
    public static readonly TimeSpan GiveUpAfter = TimeSpan.FromDays(1);
    private const int BatchSize = 20;

    /// <summary>Delivers what is pending; true when some pusher failed and needs another attempt later.</summary>
    public async Task<bool> DeliverAsync(string userId, CancellationToken ct)
    {
        var retry = false;
        foreach (var pusher in await pushers.OfUserAsync(userId, ct))
            retry |= await DeliverAsync(pusher, ct);
        return retry;
    }

    private async Task<bool> DeliverAsync(PusherRow pusher, CancellationToken ct)
    {
        if (!Uri.TryCreate(Text(JsonNode.Parse(pusher.DataJson)?["url"]), UriKind.Absolute, out var url)) return false;
        var last = pusher.LastStreamOrdering;
        var failingSince = pusher.FailingSinceTs;
        while (await actions.AfterAsync(pusher.UserId, last, BatchSize, ct) is { Count: > 0 } batch)
        {
            foreach (var action in batch)
            {
                var notification = await NotificationAsync(pusher, action, ct);
                var result = notification is null ? new GatewayResult(GatewayOutcome.Refused, []) : await gateway.SendAsync(url, notification, ct);
                var now = time.GetUtcNow().ToUnixTimeMilliseconds();
                if (result.Outcome == GatewayOutcome.Transient && now - (failingSince ??= now) < GiveUpAfter.TotalMilliseconds)
                {
                    await pushers.UpdateDeliveryAsync(pusher.Id, last, failingSince, ct);
                    return true;
                }
                if (result.Rejected.Contains(pusher.Pushkey))
                {
                    await pushers.DeleteRejectedAsync(pusher.Id, ct);
                    return false;
                }
                last = action.StreamOrdering;
                failingSince = null;
                await pushers.UpdateDeliveryAsync(pusher.Id, last, null, ct);
            }
        }
        return false;
    }

    /// <summary>The request body for one notification; null when its event is gone.</summary>
    private async Task<JsonObject?> NotificationAsync(PusherRow pusher, PushActionRow action, CancellationToken ct)
    {
        var row = await rooms.EventRowAsync(action.EventId, ct);
        if (row is null) return null;
        var data = JsonNode.Parse(pusher.DataJson)!.AsObject();
        data.Remove("url");
        var eventIdOnly = Text(data["format"]) == "event_id_only";
        var device = new JsonObject
        {
            ["app_id"] = pusher.AppId, ["pushkey"] = pusher.Pushkey, ["pushkey_ts"] = pusher.PushkeyTs / 1000, ["data"] = data,
            ["tweaks"] = new PushEvaluation(null, JsonNode.Parse(action.ActionsJson)!.AsArray()).Tweaks,
        };
        var notification = new JsonObject { ["event_id"] = action.EventId, ["room_id"] = action.RoomId };
        var unread = await actions.UnreadTotalAsync(pusher.UserId, ct);
        notification["counts"] = unread > 0 ? new JsonObject { ["unread"] = unread } : new JsonObject();
        notification["devices"] = new JsonArray(device);
        if (eventIdOnly) return new JsonObject { ["notification"] = notification };

        var pdu = JsonNode.Parse(row.Json)!.AsObject();
        notification["type"] = row.Type;
        notification["sender"] = row.Sender;
        notification["prio"] = "high";
        if (row.RedactedBy is null && pdu["content"] is JsonObject content) notification["content"] = content.DeepClone();
        if (row.Type == EventTypes.Member) notification["user_is_target"] = row.StateKey == pusher.UserId;
        if (await StateContentAsync(row.RoomId, EventTypes.Member, row.Sender, ct) is { } member && Text(member["displayname"]) is { } senderName)
            notification["sender_display_name"] = senderName;
        if (await StateContentAsync(row.RoomId, "m.room.name", "", ct) is { } name && Text(name["name"]) is { } roomName)
            notification["room_name"] = roomName;
        if (await StateContentAsync(row.RoomId, "m.room.canonical_alias", "", ct) is { } alias && Text(alias["alias"]) is { } roomAlias)
            notification["room_alias"] = roomAlias;
        return new JsonObject { ["notification"] = notification };
    }

    private async Task<JsonObject?> StateContentAsync(string roomId, string type, string stateKey, CancellationToken ct)
    {
        if (await rooms.CurrentStateEventAsync(roomId, type, stateKey, ct) is not { } eventId) return null;
        if (await rooms.EventRowAsync(eventId, ct) is not { RedactedBy: null } row) return null;
        return JsonNode.Parse(row.Json)?["content"] as JsonObject;
    }

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue(out string? s) ? s : null;
}
