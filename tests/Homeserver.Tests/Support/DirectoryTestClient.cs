namespace Messenger.Homeserver.Tests.Support;

/// <summary>Helpers for "Room aliases" and the other room-lifecycle routes (knock, forget, upgrade).</summary>
public static class DirectoryTestClient
{
    private const string V3 = MatrixTestClient.V3;

    public static string AliasPath(string alias) => $"{V3}/directory/room/{Uri.EscapeDataString(alias)}";

    /// <summary>A fresh alias of the test server.</summary>
    public static string NewAlias(string hint = "room") => $"#{hint}_{Guid.NewGuid().ToString("N")[..8]}:{ServerFixture.ServerName}";

    public static Task<MatrixResponse> PutAliasAsync(this HttpClient http, Session session, string alias, string roomId) =>
        http.SendMatrixAsync(HttpMethod.Put, AliasPath(alias), new { room_id = roomId }, session.AccessToken);

    public static Task<MatrixResponse> GetAliasAsync(this HttpClient http, Session session, string alias) =>
        http.GetMatrixAsync(AliasPath(alias), session.AccessToken);

    public static Task<MatrixResponse> DeleteAliasAsync(this HttpClient http, Session session, string alias) =>
        http.SendMatrixAsync(HttpMethod.Delete, AliasPath(alias), null, session.AccessToken);

    public static Task<MatrixResponse> KnockAsync(this HttpClient http, Session session, string roomIdOrAlias, string? reason = null) =>
        http.PostMatrixAsync($"{V3}/knock/{Uri.EscapeDataString(roomIdOrAlias)}", reason is null ? new { } : new { reason }, session.AccessToken);

    public static Task<MatrixResponse> JoinAsync(this HttpClient http, Session session, string roomIdOrAlias) =>
        http.PostMatrixAsync($"{V3}/join/{Uri.EscapeDataString(roomIdOrAlias)}", new { }, session.AccessToken);

    /// <summary>The content of a state event, or null when the room has none.</summary>
    public static async Task<System.Text.Json.Nodes.JsonObject?> StateContentAsync(this HttpClient http, Session session, string roomId, string type, string stateKey = "")
    {
        var response = await http.RoomGetAsync(session, roomId, $"state/{type}/{Uri.EscapeDataString(stateKey)}");
        return (int)response.Status == 404 ? null : response.AssertOk().Body;
    }
}
