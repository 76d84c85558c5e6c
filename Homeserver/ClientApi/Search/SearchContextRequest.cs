using System.Text.Json.Nodes;
using Messenger.Homeserver.ClientApi.Filters;
using Messenger.Homeserver.Errors;

namespace Messenger.Homeserver.ClientApi.Search;

/// <summary><c>event_context</c>: how many events before and after each result, and whether to add the senders' profiles.</summary>
public sealed record SearchContextRequest(int BeforeLimit, int AfterLimit, bool IncludeProfile)
{
    /// <summary>No more context than this either side, whatever is asked.</summary>
    public const int MaxLimit = 50;

    public static SearchContextRequest Parse(JsonNode node, string path)
    {
        if (node is not JsonObject json) throw MatrixError.BadJson($"{path} must be an object");
        var before = Limit(json, "before_limit", path);
        var after = Limit(json, "after_limit", path);
        return new SearchContextRequest(before, after, RoomEventFilter.Bool(json, "include_profile", path) ?? false);
    }

    private static int Limit(JsonObject json, string key, string path) => json[key] switch
    {
        null => 5,
        JsonValue v when v.TryGetValue(out int n) && n >= 0 => Math.Min(n, MaxLimit),
        JsonValue v when v.TryGetValue(out int _) => throw MatrixError.InvalidParam($"{path}.{key} must not be negative"),
        _ => throw MatrixError.BadJson($"{path}.{key} must be an integer"),
    };
}
