using System.Text.Json.Nodes;
using Messenger.Homeserver.ClientApi.Filters;
using Messenger.Homeserver.Errors;

namespace Messenger.Homeserver.ClientApi.Search;

/// <summary>
/// <c>search_categories.room_events</c> of <c>POST /search</c> ("Server Side Search"), checked: <c>search_term</c>
/// required; <c>keys</c> among <c>content.body</c>, <c>content.name</c>, <c>content.topic</c> (default all);
/// <c>order_by</c> <c>rank</c> (default) or <c>recent</c>; <c>event_context</c> limits default 5.
/// </summary>
public sealed record SearchCriteria(
    string SearchTerm,
    IReadOnlyList<string> Keys,
    RoomEventFilter Filter,
    bool ByRank,
    SearchContextRequest? Context,
    bool IncludeState,
    IReadOnlyList<string> GroupBy)
{
    public static readonly IReadOnlyList<string> AllKeys = ["content.body", "content.name", "content.topic"];

    public static SearchCriteria Parse(JsonObject roomEvents)
    {
        const string path = "search_categories.room_events";
        var term = roomEvents["search_term"] switch
        {
            null => throw MatrixError.MissingParam("search_term"),
            JsonValue v when v.TryGetValue(out string? s) => s,
            _ => throw MatrixError.BadJson($"{path}.search_term must be a string"),
        };
        var keys = RoomEventFilter.Strings(roomEvents, "keys", path) ?? AllKeys;
        if (keys.FirstOrDefault(k => !AllKeys.Contains(k)) is { } bad) throw MatrixError.InvalidParam($"Unsupported search key '{bad}'");
        var byRank = Text(roomEvents, "order_by", path) switch
        {
            null or "rank" => true,
            "recent" => false,
            var other => throw MatrixError.InvalidParam($"order_by must be 'rank' or 'recent', not '{other}'"),
        };
        var groupBy = new List<string>();
        if (roomEvents["groupings"] is JsonObject groupings && groupings["group_by"] is JsonArray groups)
        {
            foreach (var group in groups)
            {
                var key = group is JsonObject g ? Text(g, "key", path + ".groupings.group_by") : throw MatrixError.BadJson($"{path}.groupings.group_by must hold objects");
                if (key is not ("room_id" or "sender")) throw MatrixError.InvalidParam($"Unsupported group_by key '{key}'");
                groupBy.Add(key);
            }
        }
        return new SearchCriteria(term, keys.Distinct().ToList(), RoomEventFilter.Parse(roomEvents["filter"], path + ".filter"), byRank,
            roomEvents["event_context"] is { } context ? SearchContextRequest.Parse(context, path + ".event_context") : null,
            RoomEventFilter.Bool(roomEvents, "include_state", path) ?? false, groupBy);
    }

    private static string? Text(JsonObject json, string key, string path) => json[key] switch
    {
        null => null,
        JsonValue v when v.TryGetValue(out string? s) => s,
        _ => throw MatrixError.BadJson($"{path}.{key} must be a string"),
    };
}
