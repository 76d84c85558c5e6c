using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Messenger.Homeserver.Push;

/// <summary>
/// Evaluates a ruleset against an event for one user ("Push Rules", "Conditions"): the first enabled rule in
/// evaluation order whose conditions all hold decides the actions; none matching means no actions. Pure: every input
/// is an argument. Historical actions (<c>dont_notify</c>, <c>coalesce</c>) are stripped, as the spec asks.
/// </summary>
public static class PushRuleEvaluator
{
    /// <summary>The actions for the event (empty: nothing to do), and the rule that gave them.</summary>
    public static PushEvaluation Evaluate(PushRuleSet rules, PushEvaluationInput input)
    {
        foreach (var rule in rules.Rules)
        {
            if (rule.Enabled && Matches(rule, input)) return new PushEvaluation(rule, StripHistorical(rule.Actions));
        }
        return PushEvaluation.None;
    }

    /// <summary>Whether <paramref name="rule"/> matches (ignoring <c>enabled</c>).</summary>
    public static bool Matches(PushRule rule, PushEvaluationInput input) => rule.Kind switch
    {
        PushRuleKind.Room => input.Fields.StringAt("room_id") == rule.RuleId,
        PushRuleKind.Sender => input.Fields.StringAt("sender") == rule.RuleId,
        PushRuleKind.Content => rule.Pattern is { } pattern && input.Fields.StringAt("content.body") is { } body && GlobPattern.MatchesWords(pattern, body),
        _ => (rule.Conditions ?? []).All(c => c is JsonObject condition && ConditionHolds(condition, input)),
    };

    /// <summary>One condition; unrecognised or malformed conditions never hold.</summary>
    public static bool ConditionHolds(JsonObject condition, PushEvaluationInput input)
    {
        var c = PushCondition.Of(condition);
        var key = c.Key;
        switch (c.Kind)
        {
            case "event_match":
                if (key is null || c.Pattern is not { } pattern || input.Fields.StringAt(key) is not { } value) return false;
                return key == "content.body" ? GlobPattern.MatchesWords(pattern, value) : GlobPattern.Matches(pattern, value);
            case "event_property_is":
                return key is not null && c.HasValue && IsScalar(c.Value)
                    && input.Fields.TryResolve(key, out var actual) && IsScalar(actual) && ScalarEquals(c.Value, actual);
            case "event_property_contains":
                return key is not null && c.HasValue && IsScalar(c.Value)
                    && input.Fields.TryResolve(key, out var array) && array is JsonArray items
                    && items.Any(item => IsScalar(item) && ScalarEquals(c.Value, item));
            case "contains_display_name":
                return !string.IsNullOrEmpty(input.DisplayName) && input.Fields.StringAt("content.body") is { } text
                    && GlobPattern.ContainsWords(input.DisplayName, text);
            case "room_member_count":
                return c.Is is { } spec && MemberCountMatches(spec, input.MemberCount);
            case "sender_notification_permission":
                return key is not null && input.NotificationLevel(key) is { } needed && input.SenderPowerLevel >= needed;
            default:
                return false;
        }
    }

    /// <summary><c>room_member_count</c>'s <c>is</c>: a decimal integer, optionally after <c>==</c>, <c>&lt;</c>, <c>&gt;</c>, <c>&gt;=</c> or <c>&lt;=</c>.</summary>
    public static bool MemberCountMatches(string spec, int count)
    {
        var op = spec.StartsWith(">=", StringComparison.Ordinal) || spec.StartsWith("<=", StringComparison.Ordinal) || spec.StartsWith("==", StringComparison.Ordinal)
            ? spec[..2]
            : spec.StartsWith('<') || spec.StartsWith('>') ? spec[..1] : "==";
        var digits = spec.StartsWith(op, StringComparison.Ordinal) ? spec[op.Length..] : spec;
        if (digits.Length == 0 || !digits.All(char.IsAsciiDigit) || !long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n)) return false;
        return op switch
        {
            "<" => count < n,
            ">" => count > n,
            "<=" => count <= n,
            ">=" => count >= n,
            _ => count == n,
        };
    }

    /// <summary>The actions without the historical <c>dont_notify</c> and <c>coalesce</c> ("Historical Actions").</summary>
    public static JsonArray StripHistorical(JsonArray actions) =>
        new(actions.Where(a => Text(a) is not ("dont_notify" or "coalesce")).Select(a => a?.DeepClone()).ToArray());

    private static string? Text(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    /// <summary>Strings, integers (as JSON numbers without fraction), booleans and null: the non-compound canonical JSON values.</summary>
    private static bool IsScalar(JsonNode? node) => node is null || (node is JsonValue v && v.GetValueKind() switch
    {
        JsonValueKind.String or JsonValueKind.True or JsonValueKind.False => true,
        JsonValueKind.Number => v.TryGetValue(out long _) || (v.TryGetValue(out decimal d) && d == decimal.Truncate(d) && Math.Abs(d) < 9007199254740992m),
        _ => false,
    });

    private static bool ScalarEquals(JsonNode? a, JsonNode? b)
    {
        if (a is null || b is null) return a is null && b is null;
        var kind = a.GetValueKind();
        if (kind != b.GetValueKind()) return false;
        return kind switch
        {
            JsonValueKind.String => a.GetValue<string>() == b.GetValue<string>(),
            JsonValueKind.Number => a.AsValue().TryGetValue(out decimal x) && b.AsValue().TryGetValue(out decimal y) && x == y,
            _ => true,
        };
    }
}
