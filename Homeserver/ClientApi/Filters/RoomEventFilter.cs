using System.Text.Json.Nodes;
using Messenger.Homeserver.Errors;

namespace Messenger.Homeserver.ClientApi.Filters;

/// <summary>
/// A <c>RoomEventFilter</c> ("Filtering"): which events of a room a client wants. Type patterns may end in <c>*</c>;
/// <c>not_*</c> lists win over their positive lists. Absent lists mean "everything".
/// </summary>
public sealed record RoomEventFilter
{
    public static readonly RoomEventFilter All = new();

    public int? Limit { get; init; }
    public IReadOnlyList<string>? Types { get; init; }
    public IReadOnlyList<string> NotTypes { get; init; } = [];
    public IReadOnlyList<string>? Senders { get; init; }
    public IReadOnlyList<string> NotSenders { get; init; } = [];
    public IReadOnlyList<string>? Rooms { get; init; }
    public IReadOnlyList<string> NotRooms { get; init; } = [];
    public bool? ContainsUrl { get; init; }
    public bool LazyLoadMembers { get; init; }
    public bool IncludeRedundantMembers { get; init; }

    /// <summary>Per-thread notification counts in sync (<c>unread_thread_notifications</c>).</summary>
    public bool UnreadThreadNotifications { get; init; }

    /// <summary>True when the filter can exclude no event (so queries need not look at content).</summary>
    public bool IsOpen => Types is null && NotTypes.Count == 0 && Senders is null && NotSenders.Count == 0 && ContainsUrl is null;

    public bool AllowsRoom(string roomId) => !NotRooms.Contains(roomId) && (Rooms is null || Rooms.Contains(roomId));

    /// <summary>Whether an event (client format or PDU: reads type, sender, content.url) passes.</summary>
    public bool Allows(string type, string sender, JsonObject? content)
    {
        if (NotTypes.Any(p => Matches(p, type))) return false;
        if (Types is not null && !Types.Any(p => Matches(p, type))) return false;
        if (NotSenders.Contains(sender)) return false;
        if (Senders is not null && !Senders.Contains(sender)) return false;
        if (ContainsUrl is { } wantsUrl && (content?["url"] is JsonValue) != wantsUrl) return false;
        return true;
    }

    /// <summary>Type patterns: exact, or a prefix followed by <c>*</c>.</summary>
    public static bool Matches(string pattern, string type) =>
        pattern.EndsWith('*') ? type.StartsWith(pattern[..^1], StringComparison.Ordinal) : pattern == type;

    /// <summary>Reads one from JSON; wrong types are <c>M_BAD_JSON</c> naming the field.</summary>
    public static RoomEventFilter Parse(JsonNode? node, string path)
    {
        if (node is null) return All;
        if (node is not JsonObject json) throw MatrixError.BadJson($"{path} must be an object");
        return new RoomEventFilter
        {
            Limit = Int(json, "limit", path),
            Types = Strings(json, "types", path),
            NotTypes = Strings(json, "not_types", path) ?? [],
            Senders = Strings(json, "senders", path),
            NotSenders = Strings(json, "not_senders", path) ?? [],
            Rooms = Strings(json, "rooms", path),
            NotRooms = Strings(json, "not_rooms", path) ?? [],
            ContainsUrl = Bool(json, "contains_url", path),
            LazyLoadMembers = Bool(json, "lazy_load_members", path) ?? false,
            IncludeRedundantMembers = Bool(json, "include_redundant_members", path) ?? false,
            UnreadThreadNotifications = Bool(json, "unread_thread_notifications", path) ?? false,
        };
    }

    internal static IReadOnlyList<string>? Strings(JsonObject json, string key, string path) => json[key] switch
    {
        null => null,
        JsonArray array when array.All(n => n is JsonValue v && v.TryGetValue(out string? _)) => array.Select(n => (string)n!).ToList(),
        _ => throw MatrixError.BadJson($"{path}.{key} must be a list of strings"),
    };

    internal static bool? Bool(JsonObject json, string key, string path) => json[key] switch
    {
        null => null,
        JsonValue v when v.TryGetValue(out bool b) => b,
        _ => throw MatrixError.BadJson($"{path}.{key} must be a boolean"),
    };

    internal static int? Int(JsonObject json, string key, string path) => json[key] switch
    {
        null => null,
        JsonValue v when v.TryGetValue(out int i) && i >= 0 => i,
        _ => throw MatrixError.BadJson($"{path}.{key} must be a non-negative integer"),
    };
}
