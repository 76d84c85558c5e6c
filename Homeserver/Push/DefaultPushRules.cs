using System.Text.Json.Nodes;

namespace Messenger.Homeserver.Push;

/// <summary>
/// The server-default rules of the spec ("Predefined Rules", v1.17: without the legacy body-mention rules), in the
/// spec's order. <c>[the user's Matrix ID]</c> in a condition stands for the user whose rules these are.
/// </summary>
public static class DefaultPushRules
{
    private const string UserIdPlaceholder = "[the user's Matrix ID]";

    private const string Override = """
        [
          {"rule_id": ".m.rule.master", "default": true, "enabled": false, "conditions": [], "actions": []},
          {"rule_id": ".m.rule.suppress_notices", "default": true, "enabled": true,
           "conditions": [{"kind": "event_match", "key": "content.msgtype", "pattern": "m.notice"}],
           "actions": []},
          {"rule_id": ".m.rule.invite_for_me", "default": true, "enabled": true,
           "conditions": [
             {"key": "type", "kind": "event_match", "pattern": "m.room.member"},
             {"key": "content.membership", "kind": "event_match", "pattern": "invite"},
             {"key": "state_key", "kind": "event_match", "pattern": "[the user's Matrix ID]"}],
           "actions": ["notify", {"set_tweak": "sound", "value": "default"}]},
          {"rule_id": ".m.rule.member_event", "default": true, "enabled": true,
           "conditions": [{"key": "type", "kind": "event_match", "pattern": "m.room.member"}],
           "actions": []},
          {"rule_id": ".m.rule.is_user_mention", "default": true, "enabled": true,
           "conditions": [{"kind": "event_property_contains", "key": "content.m\\.mentions.user_ids", "value": "[the user's Matrix ID]"}],
           "actions": ["notify", {"set_tweak": "sound", "value": "default"}, {"set_tweak": "highlight"}]},
          {"rule_id": ".m.rule.is_room_mention", "default": true, "enabled": true,
           "conditions": [
             {"kind": "event_property_is", "key": "content.m\\.mentions.room", "value": true},
             {"kind": "sender_notification_permission", "key": "room"}],
           "actions": ["notify", {"set_tweak": "highlight"}]},
          {"rule_id": ".m.rule.tombstone", "default": true, "enabled": true,
           "conditions": [
             {"kind": "event_match", "key": "type", "pattern": "m.room.tombstone"},
             {"kind": "event_match", "key": "state_key", "pattern": ""}],
           "actions": ["notify", {"set_tweak": "highlight"}]},
          {"rule_id": ".m.rule.reaction", "default": true, "enabled": true,
           "conditions": [{"kind": "event_match", "key": "type", "pattern": "m.reaction"}],
           "actions": []},
          {"rule_id": ".m.rule.room.server_acl", "default": true, "enabled": true,
           "conditions": [
             {"kind": "event_match", "key": "type", "pattern": "m.room.server_acl"},
             {"kind": "event_match", "key": "state_key", "pattern": ""}],
           "actions": []},
          {"rule_id": ".m.rule.suppress_edits", "default": true, "enabled": true,
           "conditions": [{"kind": "event_property_is", "key": "content.m\\.relates_to.rel_type", "value": "m.replace"}],
           "actions": []}
        ]
        """;

    private const string Underride = """
        [
          {"rule_id": ".m.rule.call", "default": true, "enabled": true,
           "conditions": [{"key": "type", "kind": "event_match", "pattern": "m.call.invite"}],
           "actions": ["notify", {"set_tweak": "sound", "value": "ring"}]},
          {"rule_id": ".m.rule.encrypted_room_one_to_one", "default": true, "enabled": true,
           "conditions": [
             {"kind": "room_member_count", "is": "2"},
             {"kind": "event_match", "key": "type", "pattern": "m.room.encrypted"}],
           "actions": ["notify", {"set_tweak": "sound", "value": "default"}]},
          {"rule_id": ".m.rule.room_one_to_one", "default": true, "enabled": true,
           "conditions": [
             {"kind": "room_member_count", "is": "2"},
             {"kind": "event_match", "key": "type", "pattern": "m.room.message"}],
           "actions": ["notify", {"set_tweak": "sound", "value": "default"}]},
          {"rule_id": ".m.rule.message", "default": true, "enabled": true,
           "conditions": [{"kind": "event_match", "key": "type", "pattern": "m.room.message"}],
           "actions": ["notify"]},
          {"rule_id": ".m.rule.encrypted", "default": true, "enabled": true,
           "conditions": [{"kind": "event_match", "key": "type", "pattern": "m.room.encrypted"}],
           "actions": ["notify"]}
        ]
        """;

    private static readonly IReadOnlyList<PushRule> Templates =
        [.. Parse(PushRuleKind.Override, Override), .. Parse(PushRuleKind.Underride, Underride)];

    /// <summary>The default rules of <paramref name="userId"/>, override rules first, each kind in the spec's order.</summary>
    public static IReadOnlyList<PushRule> For(string userId) =>
        Templates.Select(rule => rule.Conditions is { } conditions && conditions.OfType<JsonObject>().Any(c => IsPlaceholder(c["pattern"]) || IsPlaceholder(c["value"]))
            ? rule with { Conditions = WithUser(conditions, userId) }
            : rule).ToList();

    /// <summary>Whether <paramref name="ruleId"/> names a server-default rule of <paramref name="kind"/>.</summary>
    public static bool Exists(string kind, string ruleId) => Templates.Any(r => r.Kind == kind && r.RuleId == ruleId);

    private static JsonArray WithUser(JsonArray conditions, string userId)
    {
        var copy = conditions.DeepClone().AsArray();
        foreach (var condition in copy.OfType<JsonObject>())
        {
            foreach (var key in new[] { "pattern", "value" })
            {
                if (IsPlaceholder(condition[key])) condition[key] = userId;
            }
        }
        return copy;
    }

    private static bool IsPlaceholder(JsonNode? node) => node is JsonValue v && v.TryGetValue(out string? s) && s == UserIdPlaceholder;

    private static IEnumerable<PushRule> Parse(string kind, string json) =>
        JsonNode.Parse(json)!.AsArray().Select(node =>
        {
            var rule = node!.AsObject();
            return new PushRule(kind, (string)rule["rule_id"]!, true, (bool)rule["enabled"]!, rule["actions"]!.AsArray(), rule["conditions"]!.AsArray());
        }).ToList();
}
