using System.Text.Json.Nodes;

namespace Messenger.Homeserver.Tests.Support;

/// <summary>Helpers for the key APIs over HTTP.</summary>
public static class KeysTestClient
{
    private const string V3 = MatrixTestClient.V3;

    public static async Task<CryptoDevice> NewCryptoDeviceAsync(this HttpClient http, Session? account = null)
    {
        var session = account is null ? await http.RegisterAsync() : await http.LoginAsync(account.UserId, account.Password);
        return new CryptoDevice(session);
    }

    public static Task<MatrixResponse> UploadKeysAsync(this HttpClient http, CryptoDevice device, JsonObject body) =>
        http.PostMatrixAsync(V3 + "/keys/upload", body, device.Token);

    /// <summary>Uploads the device's signed identity keys and <paramref name="oneTimeKeys"/> signed one-time keys.</summary>
    public static async Task<MatrixResponse> PublishAsync(this HttpClient http, CryptoDevice device, int oneTimeKeys = 0, string prefix = "k") =>
        (await http.UploadKeysAsync(device, new JsonObject { ["device_keys"] = device.DeviceKeys(), ["one_time_keys"] = device.OneTimeKeys(oneTimeKeys, prefix) })).AssertOk();

    public static async Task<JsonObject> QueryKeysAsync(this HttpClient http, CryptoDevice reader, params string[] users)
    {
        var wanted = new JsonObject();
        foreach (var user in users) wanted[user] = new JsonArray();
        return (await http.PostMatrixAsync(V3 + "/keys/query", new JsonObject { ["device_keys"] = wanted }, reader.Token)).AssertOk().Body;
    }

    public static Task<MatrixResponse> ClaimAsync(this HttpClient http, CryptoDevice claimer, string user, string device, string algorithm = "signed_curve25519") =>
        http.PostMatrixAsync(V3 + "/keys/claim",
            new JsonObject { ["one_time_keys"] = new JsonObject { [user] = new JsonObject { [device] = algorithm } } }, claimer.Token);

    public static async Task<int> OneTimeKeyCountAsync(this HttpClient http, CryptoDevice device) =>
        (int)(await http.UploadKeysAsync(device, new JsonObject())).AssertOk().Body["one_time_key_counts"]!["signed_curve25519"]!;
}
