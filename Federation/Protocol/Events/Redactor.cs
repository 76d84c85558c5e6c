using System.Collections.Frozen;
using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.RoomVersions;

namespace Messenger.Federation.Protocol.Events;

/// <summary>
/// The redaction algorithm of each room version (rooms/vN "Redactions"): strips an event to the keys that auth and
/// signatures need. Used to redact on request, to check signatures (which cover the redacted form) and to compute
/// reference hashes. Returns a new object; the input is left as it was.
/// </summary>
public static class Redactor
{
    /// <summary>Top-level keys kept by versions 1–10.</summary>
    private static readonly FrozenSet<string> KeptTopLevelV1 = FrozenSet.Create(StringComparer.Ordinal,
        "event_id", "type", "room_id", "sender", "state_key", "content", "hashes", "signatures", "depth",
        "prev_events", "prev_state", "auth_events", "origin", "origin_server_ts", "membership");

    /// <summary>v11 (MSC2176) no longer protects <c>origin</c>, <c>membership</c> and <c>prev_state</c>.</summary>
    private static readonly FrozenSet<string> KeptTopLevelV11 = FrozenSet.Create(StringComparer.Ordinal,
        "event_id", "type", "room_id", "sender", "state_key", "content", "hashes", "signatures", "depth",
        "prev_events", "auth_events", "origin_server_ts");

    private static readonly string[] PowerLevelKeys =
        ["ban", "events", "events_default", "kick", "redact", "state_default", "users", "users_default"];

    public static JsonObject Redact(JsonObject ev, RoomVersion version) => Redact(ev, version.Redaction);

    public static JsonObject Redact(JsonObject ev, RedactionRules rules)
    {
        var kept = rules == RedactionRules.V11 ? KeptTopLevelV11 : KeptTopLevelV1;
        var result = new JsonObject();
        foreach (var (key, value) in ev)
        {
            if (key == "content" || !kept.Contains(key)) continue;
            result[key] = value?.DeepClone();
        }
        var type = ev["type"] is JsonValue t && t.TryGetValue<string>(out var s) ? s : "";
        result["content"] = RedactContent(type, ev["content"] as JsonObject ?? [], rules);
        return result;
    }

    /// <summary>The content keys a version keeps for an event type; everything else goes.</summary>
    public static JsonObject RedactContent(string type, JsonObject content, RedactionRules rules)
    {
        var kept = new JsonObject();
        switch (type)
        {
            case EventTypes.Member:
                Keep(content, kept, "membership");
                if (rules >= RedactionRules.V9) Keep(content, kept, "join_authorised_via_users_server");
                if (rules >= RedactionRules.V11 && content["third_party_invite"] is JsonObject invite && invite.ContainsKey("signed"))
                    kept["third_party_invite"] = new JsonObject { ["signed"] = invite["signed"]?.DeepClone() };
                break;
            case EventTypes.Create:
                if (rules >= RedactionRules.V11) return (JsonObject)content.DeepClone();
                Keep(content, kept, "creator");
                break;
            case EventTypes.JoinRules:
                Keep(content, kept, "join_rule");
                if (rules >= RedactionRules.V8) Keep(content, kept, "allow");
                break;
            case EventTypes.PowerLevels:
                foreach (var key in PowerLevelKeys) Keep(content, kept, key);
                if (rules >= RedactionRules.V11) Keep(content, kept, "invite");
                break;
            case EventTypes.Aliases:
                if (rules == RedactionRules.V1) Keep(content, kept, "aliases");
                break;
            case EventTypes.HistoryVisibility:
                Keep(content, kept, "history_visibility");
                break;
            case EventTypes.Redaction:
                if (rules >= RedactionRules.V11) Keep(content, kept, "redacts");
                break;
        }
        return kept;
    }

    private static void Keep(JsonObject from, JsonObject to, string key)
    {
        if (from.TryGetPropertyValue(key, out var value)) to[key] = value?.DeepClone();
    }
}
