using System.Text.Json;
using System.Text.Json.Nodes;

namespace Messenger.Homeserver.Push;

/// <summary>The outcome of evaluating push rules for one event and user: the matching rule (if any) and its actions.</summary>
public sealed record PushEvaluation(PushRule? Rule, JsonArray Actions)
{
    public static PushEvaluation None => new(null, []);

    /// <summary>The actions include <c>notify</c>: the event counts as a notification and goes to pushers.</summary>
    public bool Notify => Actions.Any(a => a is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>() == "notify");

    /// <summary>The <c>highlight</c> tweak: true when given without a value, else its value; false when absent ("Actions").</summary>
    public bool Highlight => Tweaks["highlight"] is JsonValue v && v.GetValueKind() == JsonValueKind.True;

    /// <summary>The tweaks the actions set (<c>set_tweak</c> name → value; <c>highlight</c> without value is true).</summary>
    public JsonObject Tweaks
    {
        get
        {
            var tweaks = new JsonObject();
            foreach (var action in Actions.OfType<JsonObject>())
            {
                if (action["set_tweak"] is not JsonValue name || name.GetValueKind() != JsonValueKind.String) continue;
                var key = name.GetValue<string>();
                tweaks[key] = action.TryGetPropertyValue("value", out var value) ? value?.DeepClone() : key == "highlight" ? true : null;
            }
            return tweaks;
        }
    }
}
