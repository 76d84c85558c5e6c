using System.Text.Json.Nodes;

namespace Messenger.Homeserver.ClientApi.Filters;

/// <summary>
/// <c>event_fields</c>: keep only the listed fields of each event; a field is a dotted path (<c>content.body</c>),
/// with <c>\.</c> for a literal dot in a key. An absent list keeps everything.
/// </summary>
public static class EventFieldsProjection
{
    public static JsonObject Apply(JsonObject ev, IReadOnlyList<string>? fields)
    {
        if (fields is null) return ev;
        var result = new JsonObject();
        foreach (var field in fields)
        {
            var path = Split(field);
            JsonNode? source = ev;
            foreach (var part in path)
            {
                source = source is JsonObject o ? o[part] : null;
                if (source is null) break;
            }
            if (source is null) continue;
            var target = result;
            for (var i = 0; i < path.Count - 1; i++)
            {
                if (target[path[i]] is not JsonObject next) target[path[i]] = next = new JsonObject();
                target = next;
            }
            target[path[^1]] = source.DeepClone();
        }
        return result;
    }

    private static List<string> Split(string field)
    {
        var parts = new List<string>();
        var current = new System.Text.StringBuilder();
        for (var i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && i + 1 < field.Length && field[i + 1] == '.')
            {
                current.Append('.');
                i++;
            }
            else if (field[i] == '.')
            {
                parts.Add(current.ToString());
                current.Clear();
            }
            else current.Append(field[i]);
        }
        parts.Add(current.ToString());
        return parts;
    }
}
