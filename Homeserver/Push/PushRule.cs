using System.Text.Json.Nodes;

namespace Messenger.Homeserver.Push;

/// <summary>
/// One push rule as the API shows it and the evaluator reads it ("PushRule"): <see cref="Conditions"/> for override and
/// underride rules, <see cref="Pattern"/> for content rules; room and sender rules match by their <see cref="RuleId"/>.
/// </summary>
public sealed record PushRule(string Kind, string RuleId, bool Default, bool Enabled, JsonArray Actions, JsonArray? Conditions = null, string? Pattern = null)
{
    /// <summary>The wire form (without <c>kind</c>, which the ruleset's key or the path gives).</summary>
    public JsonObject ToJson()
    {
        var json = new JsonObject
        {
            ["rule_id"] = RuleId,
            ["default"] = Default,
            ["enabled"] = Enabled,
            ["actions"] = Actions.DeepClone(),
        };
        if (PushRuleKind.HasConditions(Kind)) json["conditions"] = Conditions?.DeepClone() ?? new JsonArray();
        if (Pattern is not null) json["pattern"] = Pattern;
        return json;
    }
}
