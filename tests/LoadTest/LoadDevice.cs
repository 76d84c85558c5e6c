using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Encoding;
using Messenger.Federation.Protocol.Keys;
using Messenger.Federation.Protocol.Signing;

namespace Messenger.LoadTest;

/// <summary>
/// A device with real Ed25519 keys, as an encrypting client has: signed device keys, signed one-time and fallback keys
/// (Client-Server API, "Key Distribution"), so the server checks every signature as it would for Element.
/// </summary>
public sealed class LoadDevice(string userId, string deviceId, string token) : IDisposable
{
    private readonly ServerSigningKey signingKey = ServerSigningKey.Generate(deviceId);

    public string UserId { get; } = userId;
    public string DeviceId { get; } = deviceId;
    public string Token { get; } = token;

    /// <summary>Registers a user (its first device).</summary>
    public static async Task<LoadDevice> RegisterAsync(LoadServer server, string username)
    {
        var response = await server.Http.PostAsJsonAsync("/_matrix/client/v3/register",
            new { username, password = "load test password", auth = new { type = "m.login.dummy" } });
        return FromSession(await Session(response));
    }

    /// <summary>Logs <paramref name="username"/> in again: another device of the same user.</summary>
    public static async Task<LoadDevice> LoginAsync(LoadServer server, string username)
    {
        var response = await server.Http.PostAsJsonAsync("/_matrix/client/v3/login",
            new { type = "m.login.password", identifier = new { type = "m.id.user", user = username }, password = "load test password" });
        return FromSession(await Session(response));
    }

    /// <summary>Uploads the device keys, <paramref name="oneTimeKeys"/> signed one-time keys and a signed fallback key.</summary>
    public Task UploadKeysAsync(LoadServer server, int oneTimeKeys)
    {
        var deviceKeys = new JsonObject
        {
            ["user_id"] = UserId,
            ["device_id"] = DeviceId,
            ["algorithms"] = new JsonArray("m.olm.v1.curve25519-aes-sha2", "m.megolm.v1.aes-sha2"),
            ["keys"] = new JsonObject { ["curve25519:" + DeviceId] = RandomKey(), ["ed25519:" + DeviceId] = signingKey.PublicKeyBase64 },
        };
        var otks = new JsonObject();
        for (var i = 0; i < oneTimeKeys; i++) otks[$"signed_curve25519:k{i}"] = SignedKey(fallback: false);
        var body = new JsonObject
        {
            ["device_keys"] = Signed(deviceKeys),
            ["one_time_keys"] = otks,
            ["fallback_keys"] = new JsonObject { ["signed_curve25519:fb"] = SignedKey(fallback: true) },
        };
        return server.SendAsync(HttpMethod.Post, "/_matrix/client/v3/keys/upload", Token, body);
    }

    public void Dispose() => signingKey.Dispose();

    private JsonObject SignedKey(bool fallback)
    {
        var key = new JsonObject { ["key"] = RandomKey() };
        if (fallback) key["fallback"] = true;
        return Signed(key);
    }

    private JsonObject Signed(JsonObject obj)
    {
        var result = JsonSignatures.Sign(obj, UserId, signingKey);
        if (!result.IsSuccess) throw new InvalidOperationException(result.Error);
        return obj;
    }

    private static string RandomKey() => UnpaddedBase64.Encode(RandomNumberGenerator.GetBytes(32));

    private static async Task<JsonObject> Session(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {text}");
        return (JsonObject)JsonNode.Parse(text)!;
    }

    private static LoadDevice FromSession(JsonObject body) =>
        new((string)body["user_id"]!, (string)body["device_id"]!, (string)body["access_token"]!);
}
