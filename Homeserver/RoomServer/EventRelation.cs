using System.Text.Json.Nodes;

namespace Messenger.Homeserver.RoomServer;

/// <summary>
/// An event's relationship to its parent, read from <c>content["m.relates_to"]</c> ("Forming relationships between
/// events"): both <c>rel_type</c> and <c>event_id</c> must be strings, the id an event id. Anything else (a rich
/// reply's bare <c>m.in_reply_to</c>, a missing or mistyped field) is no relationship: "Relationships which don't
/// match the schema ... are simply ignored".
/// </summary>
public readonly record struct EventRelation(string ParentId, string RelType)
{
    public const string Replace = "m.replace";
    public const string Thread = "m.thread";
    public const string Reference = "m.reference";
    public const string Annotation = "m.annotation";

    public static EventRelation? Of(JsonObject content)
    {
        if (content["m.relates_to"] is not JsonObject relatesTo) return null;
        if (relatesTo["rel_type"] is not JsonValue type || !type.TryGetValue(out string? relType) || relType.Length == 0) return null;
        if (relatesTo["event_id"] is not JsonValue id || !id.TryGetValue(out string? parent) || parent.Length < 2 || parent[0] != '$') return null;
        return new EventRelation(parent, relType);
    }
}
