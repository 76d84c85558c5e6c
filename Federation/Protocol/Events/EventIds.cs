using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Encoding;
using Messenger.Federation.Protocol.Identifiers;
using Messenger.Federation.Protocol.RoomVersions;

namespace Messenger.Federation.Protocol.Events;

/// <summary>
/// Where an event's id comes from, per room version: the <c>event_id</c> field (v1–2, rooms/v1 "Event IDs"),
/// <c>$</c> + unpadded base64 of the reference hash (v3), or its URL-safe form (v4+, rooms/v4 "Event IDs").
/// </summary>
public static class EventIds
{
    public static Result<string> Compute(JsonObject ev, RoomVersion version)
    {
        if (version.EventFormat == EventFormat.V1)
        {
            return ev["event_id"] is JsonValue v && v.TryGetValue<string>(out var id) && EventId.IsValid(id, version)
                ? id
                : Result<string>.Failure("event_id is missing or malformed");
        }
        var hash = EventHashes.ReferenceHash(ev, version);
        if (!hash.IsSuccess) return Result<string>.Failure(hash.Error);
        return "$" + (version.EventFormat == EventFormat.V2 ? UnpaddedBase64.Encode(hash.Value) : UnpaddedBase64.EncodeUrlSafe(hash.Value));
    }

    /// <summary>
    /// The room id of a room whose version derives it from the create event (v12, rooms/v12 "Event format"):
    /// the create event's id with <c>!</c> for <c>$</c>.
    /// </summary>
    public static Result<string> RoomIdOfCreateEvent(JsonObject createEvent, RoomVersion version)
    {
        if (!version.RoomIdFromCreateEvent) return Result<string>.Failure($"room version {version.Id} does not derive room ids");
        var id = Compute(createEvent, version);
        return id.IsSuccess ? RoomId.FromCreateEventId(id.Value).Value : id;
    }
}
