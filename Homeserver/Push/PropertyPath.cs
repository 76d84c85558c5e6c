using System.Text;
using System.Text.Json.Nodes;

namespace Messenger.Homeserver.Push;

/// <summary>
/// Dot-separated property paths (appendix "Dot-separated property paths"): <c>content.m\.relates_to.rel_type</c> names
/// <c>rel_type</c> in <c>m.relates_to</c> in <c>content</c>. A backslash escapes a dot or a backslash; any other escape
/// stays as written (a literal backslash and the character).
/// </summary>
public static class PropertyPath
{
    /// <summary>The property names of <paramref name="path"/>, unescaped.</summary>
    public static IReadOnlyList<string> Split(string path)
    {
        var parts = new List<string>();
        var current = new StringBuilder();
        for (var i = 0; i < path.Length; i++)
        {
            var c = path[i];
            if (c == '\\' && i + 1 < path.Length && path[i + 1] is '.' or '\\')
            {
                current.Append(path[++i]);
            }
            else if (c == '.')
            {
                parts.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(c);
            }
        }
        parts.Add(current.ToString());
        return parts;
    }

    /// <summary>
    /// Looks the path up in <paramref name="root"/>. False when a property on the way is absent or not an object;
    /// true with a null <paramref name="value"/> when the property is present and JSON <c>null</c>.
    /// </summary>
    public static bool TryResolve(JsonObject root, string path, out JsonNode? value)
    {
        value = null;
        JsonObject current = root;
        var parts = Split(path);
        for (var i = 0; i < parts.Count; i++)
        {
            if (!current.TryGetPropertyValue(parts[i], out var next)) return false;
            if (i == parts.Count - 1)
            {
                value = next;
                return true;
            }
            if (next is not JsonObject nested) return false;
            current = nested;
        }
        return false;
    }
}
