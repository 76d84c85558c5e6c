using System.Collections.Concurrent;
using System.Text.Json;
using Messenger.Homeserver.Storage.Rows;

namespace Messenger.Homeserver.ClientApi.Rooms;

/// <summary>
/// Stored events parsed once and shared: one message into a big room is formatted for every woken sync (with the
/// member events lazy loading sends along), and parsing its JSON into a fresh object tree each time was much of what
/// those syncs allocated. A parsed <see cref="JsonElement"/> is immutable and safe to read from many threads; nodes made
/// from it (<c>JsonObject.Create</c>) copy on first change, so no caller can alter it. An entry answers only for the
/// exact JSON it was parsed from (a stored event whose JSON was rewritten is parsed again). One per process, bounded.
/// </summary>
public sealed class ParsedEvents
{
    private const int MaxEvents = 4096;
    private readonly ConcurrentDictionary<string, (string Json, JsonElement Root)> parsed = new(StringComparer.Ordinal);

    /// <summary>The event's JSON, parsed.</summary>
    public JsonElement RootOf(EventRow row)
    {
        if (parsed.TryGetValue(row.EventId, out var known) && string.Equals(known.Json, row.Json, StringComparison.Ordinal)) return known.Root;
        var root = JsonSerializer.Deserialize<JsonElement>(row.Json);
        if (parsed.Count >= MaxEvents) parsed.Clear();
        parsed[row.EventId] = (row.Json, root);
        return root;
    }
}
