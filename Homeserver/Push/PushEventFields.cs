using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Messenger.Homeserver.Push;

/// <summary>
/// The event's properties as push rule conditions read them, resolved once per event rather than once per rule and
/// member: an event into a room of 50 meets some 20 conditions for each of 49 members, mostly the same few paths
/// (<c>type</c>, <c>content.body</c>, <c>content.msgtype</c>). Not thread-safe: one event is evaluated on one thread.
/// </summary>
public sealed class PushEventFields(JsonObject json)
{
    private static readonly ConcurrentDictionary<string, string[]> Paths = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string?> strings = new(StringComparer.Ordinal);

    public JsonObject Json => json;

    /// <summary>The string at <paramref name="path"/>, null when absent or not a string.</summary>
    public string? StringAt(string path)
    {
        if (strings.TryGetValue(path, out var cached)) return cached;
        var value = TryResolve(path, out var node) && node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
        strings[path] = value;
        return value;
    }

    /// <summary>See <see cref="PropertyPath.TryResolve"/>; the path's parts are split once per process.</summary>
    public bool TryResolve(string path, out JsonNode? value)
    {
        if (Paths.Count > 4096) Paths.Clear(); // paths come from users' rules: bounded
        var parts = Paths.GetOrAdd(path, static p => [.. PropertyPath.Split(p)]);
        value = null;
        var current = json;
        for (var i = 0; i < parts.Length; i++)
        {
            if (!current.TryGetPropertyValue(parts[i], out var next)) return false;
            if (i == parts.Length - 1)
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
