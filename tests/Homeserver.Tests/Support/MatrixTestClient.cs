using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Messenger.Homeserver.Tests.Support;

/// <summary>Test helpers that speak Matrix over real HTTP: register, login, raw requests with or without a token.</summary>
public static class MatrixTestClient
{
    public const string V3 = "/_matrix/client/v3";

    /// <summary>A unique username for this test.</summary>
    public static string NewUsername(string hint = "user") => hint + "_" + Guid.NewGuid().ToString("N")[..10];

    public static async Task<MatrixResponse> SendMatrixAsync(this HttpClient http, HttpMethod method, string path, object? body = null, string? token = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            var text = body as string ?? (body as JsonNode ?? System.Text.Json.JsonSerializer.SerializeToNode(body))!.ToJsonString();
            request.Content = new StringContent(text, Encoding.UTF8, "application/json");
        }
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await http.SendAsync(request);
        var raw = await response.Content.ReadAsStringAsync();
        var json = raw.Length == 0 ? [] : JsonNode.Parse(raw) as JsonObject ?? [];
        return new MatrixResponse(response.StatusCode, json, response);
    }

    public static Task<MatrixResponse> GetMatrixAsync(this HttpClient http, string path, string? token = null) =>
        http.SendMatrixAsync(HttpMethod.Get, path, null, token);

    public static Task<MatrixResponse> PostMatrixAsync(this HttpClient http, string path, object body, string? token = null) =>
        http.SendMatrixAsync(HttpMethod.Post, path, body, token);

    /// <summary>Registers through the dummy UIA flow the way Element does: an empty attempt, then the stage with the session.</summary>
    public static async Task<Session> RegisterAsync(this HttpClient http, string? username = null, string password = "correct horse")
    {
        username ??= NewUsername();
        var first = await http.PostMatrixAsync(V3 + "/register", new { username, password });
        Assert.Equal(401, (int)first.Status);
        var session = first.String("session");
        var done = await http.PostMatrixAsync(V3 + "/register", new { username, password, auth = new { type = "m.login.dummy", session } });
        done.AssertOk();
        return new Session(done.String("user_id"), done.String("access_token"), done.String("device_id"), password);
    }

    public static async Task<Session> LoginAsync(this HttpClient http, string user, string password, string? deviceId = null, bool refresh = false)
    {
        var response = await http.PostMatrixAsync(V3 + "/login", new JsonObject
        {
            ["type"] = "m.login.password",
            ["identifier"] = new JsonObject { ["type"] = "m.id.user", ["user"] = user },
            ["password"] = password,
            ["device_id"] = deviceId,
            ["refresh_token"] = refresh,
        });
        response.AssertOk();
        return new Session(response.String("user_id"), response.String("access_token"), response.String("device_id"), password,
            (string?)response.Body["refresh_token"]);
    }

    /// <summary>The <c>auth</c> dict of the password stage for <paramref name="session"/>'s user.</summary>
    public static JsonObject PasswordAuth(Session session, string? uiaSession = null, string? password = null) => new()
    {
        ["type"] = "m.login.password",
        ["identifier"] = new JsonObject { ["type"] = "m.id.user", ["user"] = session.UserId },
        ["password"] = password ?? session.Password,
        ["session"] = uiaSession,
    };
}

/// <summary>A logged-in device.</summary>
public sealed record Session(string UserId, string AccessToken, string DeviceId, string Password, string? RefreshToken = null);
