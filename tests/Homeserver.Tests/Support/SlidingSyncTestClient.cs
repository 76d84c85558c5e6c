using System.Text.Json.Nodes;

namespace Messenger.Homeserver.Tests.Support;

/// <summary>Speaks simplified sliding sync (MSC4186) the way Element X does: POST with <c>pos</c> and <c>timeout</c> in the query.</summary>
public static class SlidingSyncTestClient
{
    public const string SlidingSyncPath = "/_matrix/client/unstable/org.matrix.simplified_msc3575/sync";

    public static Task<MatrixResponse> SlidingSyncRawAsync(this HttpClient http, Session session, JsonObject body, string? pos = null, int timeoutMs = 0)
    {
        var query = "?timeout=" + timeoutMs + (pos is null ? "" : "&pos=" + Uri.EscapeDataString(pos));
        return http.PostMatrixAsync(SlidingSyncPath + query, body, session.AccessToken);
    }

    public static async Task<JsonObject> SlidingSyncAsync(this HttpClient http, Session session, JsonObject body, string? pos = null, int timeoutMs = 0) =>
        (await http.SlidingSyncRawAsync(session, body, pos, timeoutMs)).AssertOk().Body;

    /// <summary>A request with one list <c>all</c> over every room.</summary>
    public static JsonObject OneList(int timelineLimit = 1, JsonArray? requiredState = null, JsonArray? ranges = null, JsonObject? filters = null, JsonObject? extensions = null)
    {
        var list = new JsonObject
        {
            ["ranges"] = ranges ?? new JsonArray(new JsonArray(0, 99)),
            ["timeline_limit"] = timelineLimit,
            ["required_state"] = requiredState ?? new JsonArray(),
        };
        if (filters is not null) list["filters"] = filters;
        var body = new JsonObject { ["lists"] = new JsonObject { ["all"] = list } };
        if (extensions is not null) body["extensions"] = extensions;
        return body;
    }

    public static JsonArray State(params (string Type, string Key)[] pairs) =>
        new(pairs.Select(p => (JsonNode)new JsonArray(p.Type, p.Key)).ToArray());

    public static JsonObject? Room(this JsonObject response, string roomId) => response["rooms"]?[roomId] as JsonObject;

    public static List<string> RoomIds(this JsonObject response) => response["rooms"]?.AsObject().Select(kv => kv.Key).ToList() ?? [];

    public static List<JsonObject> SlidingTimeline(this JsonObject room) => room["timeline"]?.AsArray().Select(e => e!.AsObject()).ToList() ?? [];

    public static List<(string Type, string Key)> RequiredState(this JsonObject room) =>
        room["required_state"]?.AsArray().Select(e => ((string)e!["type"]!, (string)e["state_key"]!)).ToList() ?? [];

    public static int Count(this JsonObject response, string list) => (int)response["lists"]![list]!["count"]!;
}
