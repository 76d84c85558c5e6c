using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.RoomVersions;

namespace Messenger.Federation.Protocol.Events;

/// <summary>
/// A persistent data unit (a room event as servers exchange it): a read-only typed view over the event's exact JSON.
/// The JSON is kept as received or built, because hashes and signatures are computed over it; properties only read it.
/// Parse received JSON through the format checks first; this type trusts its input's shape.
/// </summary>
public sealed class Pdu
{
    public Pdu(JsonObject json, RoomVersion roomVersion, string eventId)
    {
        Json = json;
        RoomVersion = roomVersion;
        EventId = eventId;
        Type = (string)json["type"]!;
        Sender = (string)json["sender"]!;
        StateKey = json["state_key"] is JsonValue sk ? (string?)sk : null;
        RoomId = json["room_id"] is JsonValue rid ? (string?)rid ?? ""
            : "";
        Depth = ReadInteger(json["depth"]);
        OriginServerTs = ReadInteger(json["origin_server_ts"]);
        Content = json["content"] as JsonObject ?? [];
        PrevEventIds = ReadReferences(json["prev_events"], roomVersion);
        AuthEventIds = ReadReferences(json["auth_events"], roomVersion);
    }

    /// <summary>The event exactly as signed (including <c>signatures</c> and <c>hashes</c>; <c>unsigned</c> if present).</summary>
    public JsonObject Json { get; }

    public RoomVersion RoomVersion { get; }
    public string EventId { get; }
    public string Type { get; }
    public string Sender { get; }
    public string? StateKey { get; }

    /// <summary>
    /// The room id. In room version 12 the create event has none and this is empty (state resolution relies on that);
    /// its room id is <c>"!" + EventId[1..]</c> (<see cref="Identifiers.RoomId.FromCreateEventId"/>).
    /// </summary>
    public string RoomId { get; }

    public long Depth { get; }
    public long OriginServerTs { get; }
    public JsonObject Content { get; }
    public IReadOnlyList<string> PrevEventIds { get; }
    public IReadOnlyList<string> AuthEventIds { get; }

    public bool IsState => StateKey is not null;

    /// <summary>The (type, state_key) pair of a state event.</summary>
    public StateKey? StateTuple => StateKey is null ? null : new StateKey(Type, StateKey);

    /// <summary>The event a redaction redacts: <c>content.redacts</c> from v11, the top-level key before.</summary>
    public string? Redacts =>
        Type != EventTypes.Redaction ? null
        : RoomVersion.RedactsInContent ? (string?)(Content["redacts"] as JsonValue) ?? (string?)(Json["redacts"] as JsonValue)
        : (string?)(Json["redacts"] as JsonValue);

    public override string ToString() => $"{EventId} ({Type}{(StateKey is null ? "" : $", '{StateKey}'")}) by {Sender}";

    /// <summary>An integer whether parsed (a JSON element) or built in code (an <c>int</c> or <c>long</c> node); 0 otherwise.</summary>
    private static long ReadInteger(JsonNode? node) =>
        node is not JsonValue value ? 0
        : value.TryGetValue<long>(out var l) ? l
        : value.TryGetValue<int>(out var i) ? i
        : 0;

    /// <summary>Reads <c>prev_events</c>/<c>auth_events</c>: ids (v3+) or <c>[id, {hashes}]</c> pairs (v1–2).</summary>
    private static IReadOnlyList<string> ReadReferences(JsonNode? node, RoomVersion version)
    {
        if (node is not JsonArray array) return [];
        var ids = new string[array.Count];
        for (var i = 0; i < array.Count; i++)
        {
            ids[i] = version.EventFormat == EventFormat.V1
                ? (string)((JsonArray)array[i]!)[0]!
                : (string)array[i]!;
        }
        return ids;
    }
}
