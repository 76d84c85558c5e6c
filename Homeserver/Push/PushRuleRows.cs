using System.Text.Json.Nodes;
using Messenger.Homeserver.Storage.Rows;

namespace Messenger.Homeserver.Push;

/// <summary>Turns a user's stored rows into their ruleset: defaults with the user's changes, then the user's own rules.</summary>
public static class PushRuleRows
{
    public static PushRuleSet ToRuleSet(string userId, IReadOnlyList<PushRuleRow> rows)
    {
        var changes = rows.Where(r => r.IsDefault).ToDictionary(r => (r.Kind, r.RuleId));
        var defaults = DefaultPushRules.For(userId).Select(rule => changes.TryGetValue((rule.Kind, rule.RuleId), out var change)
            ? rule with
            {
                Enabled = change.Enabled ?? rule.Enabled,
                Actions = change.ActionsJson is { } actions ? JsonNode.Parse(actions)!.AsArray() : rule.Actions,
            }
            : rule).ToList();
        var own = rows.Where(r => !r.IsDefault).OrderByDescending(r => r.Priority).ThenBy(r => r.RuleId, StringComparer.Ordinal)
            .Select(ToRule).ToList();
        return PushRuleSet.Merge(defaults, own);
    }

    private static PushRule ToRule(PushRuleRow row) => new(
        row.Kind, row.RuleId, Default: false, row.Enabled ?? true,
        row.ActionsJson is { } actions ? JsonNode.Parse(actions)!.AsArray() : [],
        row.ConditionsJson is { } conditions ? JsonNode.Parse(conditions)!.AsArray() : null,
        row.Pattern);
}
