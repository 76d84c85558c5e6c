using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Identifiers;
using Messenger.Federation.Protocol.RoomVersions;

namespace Messenger.Federation.Protocol.Events;

/// <summary>The field-level checks of <see cref="PduFormat"/>.</summary>
public static partial class PduFormat
{
    /// <summary>
    /// v1–11: <c>room_id</c> is required, with a domain. v12: required and domain-less (the create event's hash),
    /// except on the <c>m.room.create</c> event itself, where it is omitted; a create event that carries one is left to
    /// auth rule 1.2, which rejects it.
    /// </summary>
    private static string? CheckRoomId(JsonObject json, RoomVersion version, string type, string? stateKey)
    {
        if (!json.ContainsKey("room_id"))
        {
            var isCreate = type == EventTypes.Create && stateKey == "";
            return version.RoomIdFromCreateEvent && isCreate ? null : "room_id is missing";
        }
        if (!TryString(json, "room_id", out var roomId)) return "room_id is not a string";
        if (version.RoomIdFromCreateEvent && type == EventTypes.Create) return RoomId.TryParse(roomId, out _) ? null : "room_id is not a valid room id";
        return RoomId.TryParse(roomId, version, out _) ? null : $"room_id is not a valid room id for room version {version.Id}";
    }

    private static string? CheckHashes(JsonObject json)
    {
        if (json["hashes"] is not JsonObject hashes) return "hashes is missing or not an object";
        return TryString(hashes, "sha256", out _) ? null : "hashes.sha256 is missing or not a string";
    }

    private static string? CheckSignatures(JsonObject json)
    {
        if (json["signatures"] is not JsonObject signatures) return "signatures is missing or not an object";
        foreach (var (server, byKey) in signatures)
        {
            if (byKey is not JsonObject keys) return $"signatures.{server} is not an object";
            foreach (var (keyId, signature) in keys)
            {
                if (signature is not JsonValue v || v.GetValueKind() != JsonValueKind.String) return $"signatures.{server}.{keyId} is not a string";
            }
        }
        return null;
    }

    /// <summary><c>prev_events</c>/<c>auth_events</c>: plain event ids (v3+) or <c>[event id, {hashes}]</c> pairs (v1–2), within their count limit.</summary>
    private static string? CheckReferences(JsonObject json, string key, int max, RoomVersion version)
    {
        if (json[key] is not JsonArray references) return $"{key} is missing or not an array";
        if (references.Count > max) return $"{key} has {references.Count} entries; at most {max} are allowed";
        foreach (var reference in references)
        {
            JsonNode? idNode = reference;
            if (version.EventFormat == EventFormat.V1)
            {
                if (reference is not JsonArray { Count: 2 } pair || pair[1] is not JsonObject) return $"{key} entries must be [event id, hashes] pairs";
                idNode = pair[0];
            }
            if (idNode is not JsonValue v || !v.TryGetValue<string>(out var id) || !EventId.IsValid(id, version))
                return $"{key} holds an invalid event id for room version {version.Id}";
        }
        return null;
    }

    private static bool TryString(JsonObject json, string key, [NotNullWhen(true)] out string? value)
    {
        value = null;
        return json[key] is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.TryGetValue(out value);
    }

    /// <summary>An integer that fits 64 bits; numbers written as <c>1.0</c> or <c>1e3</c> count only in lenient versions, where canonical encoding already normalised them.</summary>
    private static bool TryInteger(JsonObject json, string key, out long value)
    {
        value = 0;
        if (json[key] is not JsonValue v || v.GetValueKind() != JsonValueKind.Number) return false;
        if (v.TryGetValue(out value)) return true;
        if (v.TryGetValue<int>(out var small))
        {
            value = small;
            return true;
        }
        return false;
    }

    private static int Utf8Length(string text) => System.Text.Encoding.UTF8.GetByteCount(text);
}
