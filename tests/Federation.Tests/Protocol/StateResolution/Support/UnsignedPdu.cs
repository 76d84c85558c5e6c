using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Events;
using Messenger.Federation.Protocol.RoomVersions;

namespace Messenger.Federation.Tests.Protocol.StateResolution.Support;

/// <summary>
/// Builds unsigned PDUs in the room version's event format. State resolution reads neither hashes nor signatures,
/// so none are added; event ids are readable names instead of reference hashes.
/// </summary>
internal static class UnsignedPdu
{
    public static Pdu Build(
        RoomVersion version, string eventId, string roomId, string type, string sender, string? stateKey, JsonObject content,
        IEnumerable<string> authEvents, IEnumerable<string> prevEvents, long depth, long originServerTs)
    {
        var json = new JsonObject
        {
            ["type"] = type,
            ["sender"] = sender,
            ["content"] = content.DeepClone(),
            ["depth"] = depth,
            ["origin_server_ts"] = originServerTs,
            ["auth_events"] = References(version, authEvents),
            ["prev_events"] = References(version, prevEvents),
        };
        var isV12Create = version.RoomIdFromCreateEvent && type == EventTypes.Create;
        if (!isV12Create) json["room_id"] = roomId;
        if (stateKey is not null) json["state_key"] = stateKey;
        if (version.EventIdInEvent) json["event_id"] = eventId;
        var pdu = new Pdu(json, version, eventId);
        return pdu;
    }

    /// <summary>v1–2 reference events as <c>[id, {hashes}]</c> pairs, later versions as plain ids.</summary>
    private static JsonArray References(RoomVersion version, IEnumerable<string> ids)
    {
        var array = new JsonArray();
        foreach (var id in ids)
        {
            array.Add(version.EventFormat == EventFormat.V1 ? new JsonArray(id, new JsonObject()) : JsonValue.Create(id));
        }
        return array;
    }
}
