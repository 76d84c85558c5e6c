using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Keys;
using Messenger.Federation.Protocol.RoomVersions;

namespace Messenger.Federation.Protocol.Events;

/// <summary>
/// Builds a local event as a valid PDU from birth (DESIGN.md, "The event path"): lays out the fields in the room
/// version's format, hashes and signs it with the server's key, derives its id, and runs the same format checks a
/// receiving server would, so nothing we send can be refused for its shape.
/// </summary>
public static class PduBuilder
{
    public static Result<Pdu> Build(EventDraft draft, RoomVersion version, string serverName, ServerSigningKey key)
    {
        var json = new JsonObject
        {
            ["type"] = draft.Type,
            ["sender"] = draft.Sender,
            ["content"] = draft.Content.DeepClone(),
            ["depth"] = draft.Depth,
            ["origin_server_ts"] = draft.OriginServerTs,
            ["prev_events"] = References(draft.PrevEvents, version),
            ["auth_events"] = References(draft.AuthEvents, version),
        };
        if (draft.RoomId is not null) json["room_id"] = draft.RoomId;
        else if (!(version.RoomIdFromCreateEvent && draft.Type == EventTypes.Create))
            return Result<Pdu>.Failure("room_id is required for this event");
        if (draft.StateKey is not null) json["state_key"] = draft.StateKey;

        if (draft.Redacts is not null)
        {
            if (version.RedactsInContent) json["content"]!["redacts"] = draft.Redacts;
            else json["redacts"] = draft.Redacts;
        }

        if (version.EventIdInEvent)
        {
            if (string.IsNullOrEmpty(draft.EventIdOpaquePart)) return Result<Pdu>.Failure("room versions 1-2 need an event id opaque part");
            json["event_id"] = $"${draft.EventIdOpaquePart}:{serverName}";
        }

        var signed = EventSigning.HashAndSign(json, version, serverName, key);
        if (!signed.IsSuccess) return Result<Pdu>.Failure(signed.Error);
        if (draft.Unsigned is not null) json["unsigned"] = draft.Unsigned.DeepClone();

        return PduFormat.Parse(json, version);
    }

    /// <summary>v3+: plain ids. v1–2: <c>[id, {}]</c> pairs; like Synapse we leave the deprecated reference hashes out.</summary>
    private static JsonArray References(IReadOnlyList<string> ids, RoomVersion version)
    {
        var array = new JsonArray();
        foreach (var id in ids)
        {
            array.Add(version.EventFormat == EventFormat.V1 ? new JsonArray(id, new JsonObject()) : (JsonNode)id);
        }
        return array;
    }
}
