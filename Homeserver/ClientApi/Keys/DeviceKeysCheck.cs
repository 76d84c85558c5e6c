using System.Text.Json.Nodes;
using Messenger.Homeserver.Errors;

namespace Messenger.Homeserver.ClientApi.Keys;

/// <summary>
/// The checks on an uploaded <c>DeviceKeys</c> object ("Device keys", "Uploading keys"): it is the uploading device's
/// own, lists its algorithms, names its 32-byte Ed25519 key (and Curve25519 key, when given) under
/// <c>&lt;algorithm&gt;:&lt;device id&gt;</c>, and is signed by that Ed25519 key.
/// </summary>
public static class DeviceKeysCheck
{
    /// <summary>The device keys as they will be stored (canonical, without <c>unsigned</c>) and their Ed25519 key.</summary>
    public sealed record Checked(string Json, string Ed25519Key);

    public static Checked Check(JsonObject deviceKeys, string userId, string deviceId)
    {
        if (SignedKeyJson.String(deviceKeys, "user_id") != userId)
            throw MatrixError.InvalidParam("device_keys.user_id must be the user you are logged in as");
        if (SignedKeyJson.String(deviceKeys, "device_id") != deviceId)
            throw MatrixError.InvalidParam("device_keys.device_id must be the device you are logged in with");
        if (deviceKeys["algorithms"] is not JsonArray algorithms || algorithms.Count == 0
            || !algorithms.All(a => a is JsonValue v && v.TryGetValue(out string? _)))
            throw MatrixError.BadJson("device_keys.algorithms must be a non-empty list of strings");
        if (deviceKeys["keys"] is not JsonObject keys || keys.Count == 0)
            throw MatrixError.BadJson("device_keys.keys must be an object of keys");
        foreach (var (name, value) in keys)
        {
            if (value is not JsonValue v || !v.TryGetValue(out string? _)) throw MatrixError.BadJson($"device_keys.keys.{name} must be a string");
        }

        var ed25519 = SignedKeyJson.String(keys, "ed25519:" + deviceId);
        if (!SignedKeyJson.IsPublicKey(ed25519)) throw MatrixError.InvalidParam($"device_keys.keys must hold a 32-byte ed25519:{deviceId} key");
        if (keys.ContainsKey("curve25519:" + deviceId) && !SignedKeyJson.IsPublicKey(SignedKeyJson.String(keys, "curve25519:" + deviceId)))
            throw MatrixError.InvalidParam($"device_keys.keys.curve25519:{deviceId} must be a 32-byte key");
        if (deviceKeys["signatures"] is not JsonObject)
            throw MatrixError.InvalidParam("device_keys must be signed by the device's ed25519 key");
        if (!SignedKeyJson.IsSignedBy(deviceKeys, userId, "ed25519:" + deviceId, ed25519))
            throw MatrixError.InvalidParam("device_keys are not signed by the device's ed25519 key");

        var copy = deviceKeys.DeepClone().AsObject();
        copy.Remove("unsigned");
        return new Checked(SignedKeyJson.Canonical(copy, "device_keys"), ed25519);
    }

    /// <summary>Whether two stored device key objects publish the same identity keys (the <c>keys</c> map).</summary>
    public static bool SameIdentity(string storedJson, string newJson) =>
        JsonNode.DeepEquals(SignedKeyJson.Parse(storedJson)["keys"], SignedKeyJson.Parse(newJson)["keys"]);
}
