using System.Text.Json;
using System.Text.Json.Nodes;
using Messenger.Homeserver.Errors;
using Messenger.Homeserver.Push;
using Messenger.Homeserver.Storage;
using Messenger.Homeserver.Storage.Rows;

namespace Messenger.Homeserver.ClientApi.Push;

/// <summary>
/// The push rules API ("Push Rules: API"): a user's <c>global</c> ruleset, single rules, and changes to them. Server-default
/// rules (ids starting with '.') can be enabled, disabled and given other actions, never created, moved or deleted.
/// </summary>
public sealed class PushRulesService(PushRuleStore store)
{
    public async Task<PushRuleSet> RuleSetAsync(string userId, CancellationToken ct) =>
        PushRuleRows.ToRuleSet(userId, await store.RowsAsync(userId, ct));

    /// <summary><c>GET /pushrules/global/{kind}/{ruleId}</c>: 404 <c>M_NOT_FOUND</c> for a rule the user does not have.</summary>
    public async Task<PushRule> RuleAsync(string userId, string kind, string ruleId, CancellationToken ct)
    {
        CheckKind(kind);
        return (await RuleSetAsync(userId, ct)).Find(kind, ruleId) ?? throw RuleNotFound();
    }

    /// <summary>
    /// <c>PUT /pushrules/global/{kind}/{ruleId}</c>: creates (enabled, most important of its kind unless <paramref name="before"/>
    /// or <paramref name="after"/> say otherwise) or updates a user-defined rule. Ids starting with '.' or holding a slash
    /// or backslash are refused; <c>before</c>/<c>after</c> must name a user-defined rule of the same kind.
    /// </summary>
    public async Task PutRuleAsync(string userId, string kind, string ruleId, string? before, string? after, JsonObject body, CancellationToken ct)
    {
        CheckKind(kind);
        if (ruleId.StartsWith('.')) throw MatrixError.InvalidParam("Rule ids starting with '.' are reserved for server-default rules");
        if (ruleId.Contains('/') || ruleId.Contains('\\') || ruleId.Contains("%2F", StringComparison.OrdinalIgnoreCase))
            throw MatrixError.InvalidParam("Rule ids may not contain slashes or backslashes");
        var actions = Actions(body);
        JsonArray? conditions = null;
        string? pattern = null;
        if (PushRuleKind.HasConditions(kind)) conditions = Conditions(body);
        if (kind == PushRuleKind.Content)
        {
            if (!body.TryGetPropertyValue("pattern", out var p) || p is null) throw MatrixError.MissingParam("pattern");
            pattern = p is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : throw MatrixError.BadJson("pattern must be a string");
        }
        foreach (var anchor in new[] { before, after })
        {
            if (anchor is not null && anchor.StartsWith('.')) throw MatrixError.BadRequest($"Cannot place a rule relative to the server-default rule {anchor}");
        }

        await store.ChangeAsync(userId, edit =>
        {
            var ordered = edit.Rows.Where(r => !r.IsDefault && r.Kind == kind).OrderByDescending(r => r.Priority).ThenBy(r => r.RuleId, StringComparer.Ordinal).ToList();
            var row = ordered.FirstOrDefault(r => r.RuleId == ruleId);
            if (row is null)
            {
                row = new PushRuleRow { UserId = userId, Kind = kind, RuleId = ruleId, Enabled = true };
                edit.Add(row);
            }
            else if (before is not null || after is not null)
            {
                ordered.Remove(row);
            }
            row.ActionsJson = actions.ToJsonString();
            row.ConditionsJson = conditions?.ToJsonString();
            row.Pattern = pattern;

            if (!ordered.Contains(row))
            {
                var index = 0;
                if (before is not null) index = IndexOf(ordered, before);
                else if (after is not null) index = IndexOf(ordered, after) + 1;
                ordered.Insert(index, row);
            }
            for (var i = 0; i < ordered.Count; i++) ordered[i].Priority = ordered.Count - i;
        }, ct);
    }

    /// <summary><c>DELETE /pushrules/global/{kind}/{ruleId}</c>: only user-defined rules can go.</summary>
    public async Task DeleteRuleAsync(string userId, string kind, string ruleId, CancellationToken ct)
    {
        CheckKind(kind);
        if (DefaultPushRules.Exists(kind, ruleId)) throw MatrixError.InvalidParam("Server-default rules cannot be deleted");
        await store.ChangeAsync(userId, edit =>
            edit.Remove(edit.Rows.FirstOrDefault(r => !r.IsDefault && r.Kind == kind && r.RuleId == ruleId) ?? throw RuleNotFound()), ct);
    }

    /// <summary><c>PUT .../enabled</c>.</summary>
    public async Task SetEnabledAsync(string userId, string kind, string ruleId, JsonObject body, CancellationToken ct)
    {
        CheckKind(kind);
        if (!body.TryGetPropertyValue("enabled", out var value) || value is null) throw MatrixError.MissingParam("enabled");
        var enabled = value.GetValueKind() switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw MatrixError.BadJson("enabled must be a boolean"),
        };
        await store.ChangeAsync(userId, edit => RowToChange(edit, userId, kind, ruleId).Enabled = enabled, ct);
    }

    /// <summary><c>PUT .../actions</c>: also for server-default rules.</summary>
    public async Task SetActionsAsync(string userId, string kind, string ruleId, JsonObject body, CancellationToken ct)
    {
        CheckKind(kind);
        var actions = Actions(body);
        await store.ChangeAsync(userId, edit => RowToChange(edit, userId, kind, ruleId).ActionsJson = actions.ToJsonString(), ct);
    }

    /// <summary>The row holding a rule's <c>enabled</c>/<c>actions</c>: the user's rule, or their change to a default (made on first use).</summary>
    private static PushRuleRow RowToChange(PushRuleEdit edit, string userId, string kind, string ruleId)
    {
        if (edit.Rows.FirstOrDefault(r => r.Kind == kind && r.RuleId == ruleId) is { } row) return row;
        if (!DefaultPushRules.Exists(kind, ruleId)) throw RuleNotFound();
        row = new PushRuleRow { UserId = userId, Kind = kind, RuleId = ruleId, IsDefault = true };
        edit.Add(row);
        return row;
    }

    private static int IndexOf(List<PushRuleRow> ordered, string ruleId)
    {
        var index = ordered.FindIndex(r => r.RuleId == ruleId);
        return index >= 0 ? index : throw MatrixError.BadRequest($"before/after rule not found: {ruleId}");
    }

    /// <summary>The kind in the path must be one of the spec's five (its enum); anything else is a bad parameter.</summary>
    private static void CheckKind(string kind)
    {
        if (!PushRuleKind.IsKnown(kind)) throw MatrixError.InvalidParam($"Unknown push rule kind: {kind}");
    }

    private static MatrixException RuleNotFound() => MatrixError.NotFound("The push rule was not found.");

    /// <summary><c>actions</c>: strings (<c>notify</c>, or the historical <c>dont_notify</c>/<c>coalesce</c>) and <c>set_tweak</c> objects.</summary>
    private static JsonArray Actions(JsonObject body)
    {
        if (!body.TryGetPropertyValue("actions", out var node) || node is null) throw MatrixError.MissingParam("actions");
        if (node is not JsonArray actions) throw MatrixError.BadJson("actions must be an array");
        foreach (var action in actions)
        {
            var valid = action switch
            {
                JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>() is "notify" or "dont_notify" or "coalesce",
                JsonObject o => o["set_tweak"] is JsonValue t && t.GetValueKind() == JsonValueKind.String,
                _ => false,
            };
            if (!valid) throw MatrixError.BadRequest($"Invalid rule: unrecognised action {action?.ToJsonString() ?? "null"}");
        }
        return actions;
    }

    /// <summary><c>conditions</c> (optional, default none): objects with a string <c>kind</c>; unknown kinds are kept, they just never match.</summary>
    private static JsonArray Conditions(JsonObject body)
    {
        if (!body.TryGetPropertyValue("conditions", out var node) || node is null) return [];
        if (node is not JsonArray conditions) throw MatrixError.BadJson("conditions must be an array");
        if (conditions.Any(c => c is not JsonObject o || o["kind"] is not JsonValue k || k.GetValueKind() != JsonValueKind.String))
            throw MatrixError.BadJson("Each condition must be an object with a string kind");
        return conditions;
    }
}
