using System.Text.Json.Nodes;

namespace Messenger.Homeserver.Push;

/// <summary>
/// A user's <c>global</c> ruleset: server-default rules (with the user's changes to <c>enabled</c>/<c>actions</c>)
/// merged with the user's own rules. Within a kind the user's rules come before the defaults, except
/// <c>.m.rule.master</c>, which comes before everything ("Predefined Rules"). <see cref="Rules"/> is in evaluation order.
/// </summary>
public sealed record PushRuleSet(IReadOnlyList<PushRule> Rules)
{
    public const string MasterRuleId = ".m.rule.master";

    /// <summary>
    /// Builds the set from the defaults for the user and the user's own rules (each kind already most important first).
    /// </summary>
    public static PushRuleSet Merge(IReadOnlyList<PushRule> defaults, IReadOnlyList<PushRule> userRules)
    {
        var rules = new List<PushRule>(defaults.Count + userRules.Count);
        foreach (var kind in PushRuleKind.All)
        {
            rules.AddRange(defaults.Where(r => r.Kind == kind && r.RuleId == MasterRuleId));
            rules.AddRange(userRules.Where(r => r.Kind == kind));
            rules.AddRange(defaults.Where(r => r.Kind == kind && r.RuleId != MasterRuleId));
        }
        return new PushRuleSet(rules);
    }

    public PushRule? Find(string kind, string ruleId) => Rules.FirstOrDefault(r => r.Kind == kind && r.RuleId == ruleId);

    /// <summary>The ruleset object: an array per kind, every kind present.</summary>
    public JsonObject ToJson()
    {
        var json = new JsonObject();
        foreach (var kind in PushRuleKind.All)
            json[kind] = new JsonArray(Rules.Where(r => r.Kind == kind).Select(r => (JsonNode)r.ToJson()).ToArray());
        return json;
    }
}
