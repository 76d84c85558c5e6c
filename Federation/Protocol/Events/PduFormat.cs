using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Identifiers;
using Messenger.Federation.Protocol.Json;
using Messenger.Federation.Protocol.RoomVersions;

namespace Messenger.Federation.Protocol.Events;

/// <summary>
/// Step 1 of "Checks performed on receipt of a PDU": is this JSON a valid event of its room version? Checks the
/// schema of the version's PDU definition (pdu_v1 … pdu_v12: required keys and their types), the size limits of
/// client-server "Size limits" (65,536 bytes as canonical JSON, 255-byte ids, type and state key), at most 20
/// <c>prev_events</c> and 10 <c>auth_events</c>, <c>depth</c> in range, identifiers in the version's grammar, and
/// (v6+) strict Canonical JSON. On success the event id is known: carried (v1–2) or the reference hash (v3+).
/// </summary>
public static partial class PduFormat
{
    public const int MaxPduBytes = 65_536;
    public const int MaxPrevEvents = 20;
    public const int MaxAuthEvents = 10;
    public const int MaxTypeOrStateKeyBytes = 255;

    public static Result<Pdu> Parse(JsonObject json, RoomVersion version)
    {
        var error = CheckSize(json, version) ?? CheckFields(json, version);
        if (error is not null) return Result<Pdu>.Failure(error);

        var eventId = EventIds.Compute(json, version);
        if (!eventId.IsSuccess) return Result<Pdu>.Failure(eventId.Error);
        return new Pdu(json, version, eventId.Value);
    }

    /// <summary>Parses received UTF-8 bytes: strict JSON (duplicate keys refused, v6+ integers only) and then <see cref="Parse(JsonObject, RoomVersion)"/>.</summary>
    public static Result<Pdu> Parse(ReadOnlySpan<byte> utf8, RoomVersion version)
    {
        var parsed = StrictJson.ParseObject(utf8, version.StrictCanonicalJson);
        return parsed.IsSuccess ? Parse(parsed.Object!, version) : Result<Pdu>.Failure(parsed.Error);
    }

    private static string? CheckSize(JsonObject json, RoomVersion version)
    {
        var canonical = CanonicalJson.Encode(json, EventHashes.NumbersFor(version));
        if (!canonical.IsSuccess) return "not canonical JSON: " + canonical.Error;
        return canonical.Bytes.Length > MaxPduBytes ? $"event is {canonical.Bytes.Length} bytes as canonical JSON; the limit is {MaxPduBytes}" : null;
    }

    private static string? CheckFields(JsonObject json, RoomVersion version)
    {
        if (!TryString(json, "type", out var type)) return "type is missing or not a string";
        if (Utf8Length(type) > MaxTypeOrStateKeyBytes) return "type is longer than 255 bytes";

        if (!TryString(json, "sender", out var sender)) return "sender is missing or not a string";
        if (!UserId.TryParse(sender, out _)) return "sender is not a valid user id";

        string? stateKey = null;
        if (json.ContainsKey("state_key"))
        {
            if (!TryString(json, "state_key", out stateKey)) return "state_key is not a string";
            if (Utf8Length(stateKey) > MaxTypeOrStateKeyBytes) return "state_key is longer than 255 bytes";
        }

        var roomIdError = CheckRoomId(json, version, type, stateKey);
        if (roomIdError is not null) return roomIdError;

        if (!TryInteger(json, "origin_server_ts", out _)) return "origin_server_ts is missing or not an integer";
        if (!TryInteger(json, "depth", out var depth)) return "depth is missing or not an integer";
        var maxDepth = version.StrictCanonicalJson ? CanonicalJson.MaxSafeInteger : long.MaxValue;
        if (depth < 0 || depth > maxDepth) return $"depth {depth} is outside [0, {maxDepth}]";

        if (json["content"] is not JsonObject) return "content is missing or not an object";
        if (json.ContainsKey("unsigned") && json["unsigned"] is not JsonObject) return "unsigned is not an object";
        if (json.ContainsKey("redacts") && !TryString(json, "redacts", out _)) return "redacts is not a string";

        var hashesError = CheckHashes(json);
        if (hashesError is not null) return hashesError;
        var signaturesError = CheckSignatures(json);
        if (signaturesError is not null) return signaturesError;

        var referencesError = CheckReferences(json, "prev_events", MaxPrevEvents, version)
            ?? CheckReferences(json, "auth_events", MaxAuthEvents, version);
        if (referencesError is not null) return referencesError;

        if (version.EventIdInEvent)
        {
            if (!TryString(json, "event_id", out var eventId)) return "event_id is missing or not a string";
            if (!EventId.IsValid(eventId, version)) return "event_id is not a valid event id for this room version";
        }
        return null;
    }
}
