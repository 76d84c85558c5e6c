using System.Text.Json.Nodes;

namespace Messenger.Homeserver.Tests.Support;

/// <summary>Helpers for events that relate to others (edits, threads, references, reactions) and the v1 room endpoints.</summary>
public static class RelationsTestClient
{
    public const string V1 = "/_matrix/client/v1";

    public static async Task<string> SendEventAsync(this HttpClient http, Session session, string roomId, string type, JsonObject content)
    {
        var response = await http.SendMatrixAsync(HttpMethod.Put,
            $"{MatrixTestClient.V3}/rooms/{Uri.EscapeDataString(roomId)}/send/{type}/{Guid.NewGuid():N}", content, session.AccessToken);
        return response.AssertOk().String("event_id");
    }

    /// <summary>An <c>m.room.message</c> text relating to <paramref name="parentId"/>.</summary>
    public static Task<string> SendRelatedTextAsync(this HttpClient http, Session session, string roomId, string text, string relType, string parentId) =>
        http.SendEventAsync(session, roomId, "m.room.message", new JsonObject
        {
            ["msgtype"] = "m.text",
            ["body"] = text,
            ["m.relates_to"] = new JsonObject { ["rel_type"] = relType, ["event_id"] = parentId },
        });

    /// <summary>An edit ("Event replacements"): fallback body plus <c>m.new_content</c>.</summary>
    public static Task<string> SendEditAsync(this HttpClient http, Session session, string roomId, string originalId, string newText) =>
        http.SendEventAsync(session, roomId, "m.room.message", new JsonObject
        {
            ["msgtype"] = "m.text",
            ["body"] = "* " + newText,
            ["m.new_content"] = new JsonObject { ["msgtype"] = "m.text", ["body"] = newText },
            ["m.relates_to"] = new JsonObject { ["rel_type"] = "m.replace", ["event_id"] = originalId },
        });

    public static Task<string> SendReactionAsync(this HttpClient http, Session session, string roomId, string targetId, string key) =>
        http.SendEventAsync(session, roomId, "m.reaction", new JsonObject
        {
            ["m.relates_to"] = new JsonObject { ["rel_type"] = "m.annotation", ["event_id"] = targetId, ["key"] = key },
        });

    public static async Task RedactAsync(this HttpClient http, Session session, string roomId, string eventId) =>
        (await http.SendMatrixAsync(HttpMethod.Put,
            $"{MatrixTestClient.V3}/rooms/{Uri.EscapeDataString(roomId)}/redact/{Uri.EscapeDataString(eventId)}/{Guid.NewGuid():N}", new { }, session.AccessToken)).AssertOk();

    public static Task<MatrixResponse> RoomGetV1Async(this HttpClient http, Session session, string roomId, string pathAndQuery) =>
        http.GetMatrixAsync($"{V1}/rooms/{Uri.EscapeDataString(roomId)}/{pathAndQuery}", session.AccessToken);

    public static Task<MatrixResponse> RelationsAsync(this HttpClient http, Session session, string roomId, string eventId, string rest = "") =>
        http.RoomGetV1Async(session, roomId, $"relations/{Uri.EscapeDataString(eventId)}{rest}");

    public static List<string> EventIds(this JsonNode? events) =>
        events!.AsArray().Select(e => (string)e!["event_id"]!).ToList();

    /// <summary><c>unsigned.m.relations</c> of a served event, or null.</summary>
    public static JsonObject? BundledRelations(this JsonNode ev) => ev["unsigned"]?["m.relations"] as JsonObject;
}
