namespace Messenger.Homeserver.Storage.Rows;

/// <summary>
/// One push rule of a user ("Push Rules"): either a user-defined rule (its conditions or pattern, actions, place among
/// the user's rules of its kind), or — with <see cref="IsDefault"/> — the user's change to a server-default rule,
/// which may only alter <c>enabled</c> and <c>actions</c> (the defaults themselves live in code, not here).
/// </summary>
public sealed class PushRuleRow
{
    public required string UserId { get; set; }

    /// <summary><c>override</c>, <c>content</c>, <c>room</c>, <c>sender</c> or <c>underride</c>.</summary>
    public required string Kind { get; set; }

    public required string RuleId { get; set; }

    /// <summary>Order among the user's rules of one kind: higher is more important. Unused for defaults.</summary>
    public int Priority { get; set; }

    /// <summary>True: a change to the server-default rule <see cref="RuleId"/>, not a rule of its own.</summary>
    public bool IsDefault { get; set; }

    /// <summary>Null for a default rule the user did not enable or disable.</summary>
    public bool? Enabled { get; set; }

    /// <summary>The actions as a JSON array; null for a default rule whose actions the user did not change.</summary>
    public string? ActionsJson { get; set; }

    /// <summary>The conditions as a JSON array (override and underride rules).</summary>
    public string? ConditionsJson { get; set; }

    /// <summary>The glob pattern of a content rule.</summary>
    public string? Pattern { get; set; }
}
