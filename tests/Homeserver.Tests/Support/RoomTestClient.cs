using System.Text.Json.Nodes;

namespace Messenger.Homeserver.Tests.Support;

/// <summary>Helpers that speak the room APIs: create a room, send, read state, sync.</summary>
public static class RoomTestClient
{
    private const string V3 = MatrixTestClient.V3;

    public static async Task<string> CreateRoomAsync(this HttpClient http, Session session, object? body = null)
    {
        var response = await http.PostMatrixAsync(V3 + "/createRoom", body ?? new { }, session.AccessToken);
        return response.AssertOk().String("room_id");
    }

    public static async Task<string> SendTextAsync(this HttpClient http, Session session, string roomId, string text, string? txnId = null)
    {
        txnId ??= Guid.NewGuid().ToString("N");
        var response = await http.SendMatrixAsync(HttpMethod.Put, $"{V3}/rooms/{Uri.EscapeDataString(roomId)}/send/m.room.message/{txnId}",
            new { msgtype = "m.text", body = text }, session.AccessToken);
        return response.AssertOk().String("event_id");
    }

    public static Task<MatrixResponse> PutStateAsync(this HttpClient http, Session session, string roomId, string type, string stateKey, object content) =>
        http.SendMatrixAsync(HttpMethod.Put, $"{V3}/rooms/{Uri.EscapeDataString(roomId)}/state/{type}/{Uri.EscapeDataString(stateKey)}", content, session.AccessToken);

    public static Task<MatrixResponse> RoomPostAsync(this HttpClient http, Session session, string roomId, string action, object body) =>
        http.PostMatrixAsync($"{V3}/rooms/{Uri.EscapeDataString(roomId)}/{action}", body, session.AccessToken);

    public static Task<MatrixResponse> RoomGetAsync(this HttpClient http, Session session, string roomId, string pathAndQuery) =>
        http.GetMatrixAsync($"{V3}/rooms/{Uri.EscapeDataString(roomId)}/{pathAndQuery}", session.AccessToken);

    public static async Task<JsonObject> SyncAsync(this HttpClient http, Session session, string? since = null, int timeoutMs = 0, string? filter = null)
    {
        var query = new List<string> { "timeout=" + timeoutMs };
        if (since is not null) query.Add("since=" + Uri.EscapeDataString(since));
        if (filter is not null) query.Add("filter=" + Uri.EscapeDataString(filter));
        return (await http.GetMatrixAsync($"{V3}/sync?{string.Join('&', query)}", session.AccessToken)).AssertOk().Body;
    }

    /// <summary>The timeline events of a joined room in a sync response (empty if the room is absent).</summary>
    public static List<JsonObject> Timeline(this JsonObject sync, string roomId) =>
        sync["rooms"]?["join"]?[roomId]?["timeline"]?["events"]?.AsArray().Select(e => e!.AsObject()).ToList() ?? [];

    public static List<string> Bodies(this IEnumerable<JsonObject> events) =>
        events.Where(e => (string?)e["type"] == "m.room.message").Select(e => (string)e["content"]!["body"]!).ToList();
}
