using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Messenger.Homeserver.Push;

/// <summary>
/// A rule's condition read once ("Conditions"): its kind, key, pattern, value and <c>is</c> as .NET values. Rules stay
/// cached between events, so the same condition objects meet every event; reading them from JSON each time decoded
/// every string anew and was most of the cost of evaluating push rules. Built from the condition's JSON, which stays
/// the truth (and the wire form); malformed fields read as absent, as the evaluator treats them.
/// </summary>
public sealed class PushCondition
{
    private static readonly ConditionalWeakTable<JsonObject, PushCondition> Compiled = new();

    private PushCondition(JsonObject json)
    {
        Kind = Text(json["kind"]);
        Key = Text(json["key"]);
        Pattern = Text(json["pattern"]);
        Is = Text(json["is"]);
        HasValue = json.TryGetPropertyValue("value", out var value);
        Value = value;
    }

    public string? Kind { get; }
    public string? Key { get; }
    public string? Pattern { get; }
    public string? Is { get; }
    public bool HasValue { get; }
    public JsonNode? Value { get; }

    /// <summary>The condition of <paramref name="json"/>, read once per condition object.</summary>
    public static PushCondition Of(JsonObject json) => Compiled.GetValue(json, static j => new PushCondition(j));

    private static string? Text(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
}
