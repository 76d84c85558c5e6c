using System.Text.Json.Nodes;
using Messenger.Homeserver.Auth;
using Messenger.Homeserver.Errors;
using Messenger.Homeserver.Storage;
using Messenger.Homeserver.Storage.Rows;

namespace Messenger.Homeserver.ClientApi.Keys;

/// <summary>
/// <c>POST /keys/upload</c> ("Uploading keys"). Rules enforced before anything is stored: device keys are the
/// requester's own user and device, name an Ed25519 key and carry that key's valid signature, and never change the
/// identity keys a device already published; signed one-time and fallback keys carry the device key's valid
/// signature; a key id already held with other content is refused; at most one fallback key per algorithm.
/// Either the whole upload is stored or none of it.
/// </summary>
public sealed class KeyUploadService(DeviceKeyStore keys, KeyStreamWriter writer, TimeProvider time)
{
    /// <summary>One-time and fallback keys in one upload, at most (clients upload tens at a time).</summary>
    public const int MaxKeysPerUpload = 1000;

    public const string SignedCurve25519 = "signed_curve25519";
    public const string Curve25519 = "curve25519";

    public async Task<JsonObject> UploadAsync(Requester requester, JsonObject body, CancellationToken ct)
    {
        var deviceKeys = body["device_keys"] switch
        {
            null => null,
            JsonObject o => o,
            _ => throw MatrixError.BadJson("device_keys must be an object"),
        };
        var oneTimeKeys = KeyMap(body, "one_time_keys");
        var fallbackKeys = KeyMap(body, "fallback_keys");
        if (oneTimeKeys.Count + fallbackKeys.Count > MaxKeysPerUpload)
            throw MatrixError.TooLarge($"At most {MaxKeysPerUpload} one-time and fallback keys per upload");

        var stored = await keys.FindDeviceKeysAsync(requester.UserId, requester.DeviceId, ct);
        var identity = deviceKeys is null ? null : DeviceKeysCheck.Check(deviceKeys, requester.UserId, requester.DeviceId);
        if (identity is not null && stored is not null && !DeviceKeysCheck.SameIdentity(stored.Json, identity.Json))
            throw MatrixError.InvalidParam("This device already published different identity keys; log in as a new device to use new ones");
        var signingKey = identity?.Ed25519Key ?? stored?.Ed25519Key;

        var otks = oneTimeKeys.Select(k => CheckKey(k.Key, k.Value, requester, signingKey, "one_time_keys")).ToList();
        var fallbacks = fallbackKeys.Select(k => CheckKey(k.Key, k.Value, requester, signingKey, "fallback_keys")).ToList();
        if (fallbacks.GroupBy(f => f.Algorithm).Any(g => g.Count() > 1))
            throw MatrixError.InvalidParam("At most one fallback key per algorithm");

        await writer.RunAsync(async write =>
        {
            if (identity is not null)
            {
                // Read again inside the transaction: a client may send the same first upload twice at once (matrix-js-sdk
                // with Rust crypto does), and both requests saw no keys before. The insert itself ignores a row a
                // concurrent upload committed first; then that row is compared like any stored one.
                var current = await keys.FindDeviceKeysAsync(requester.UserId, requester.DeviceId, ct);
                if (current is null)
                {
                    var row = new DeviceKeysRow
                    {
                        UserId = requester.UserId, DeviceId = requester.DeviceId, Ed25519Key = identity.Ed25519Key, Json = identity.Json,
                        CreatedTs = time.GetUtcNow().ToUnixTimeMilliseconds(),
                    };
                    if (await keys.TryAddDeviceKeysAsync(row, ct)) write.DeviceListChanged(requester.UserId, requester.DeviceId);
                    else current = await keys.FindDeviceKeysAsync(requester.UserId, requester.DeviceId, ct);
                }
                if (current is not null && !DeviceKeysCheck.SameIdentity(current.Json, identity.Json))
                    throw MatrixError.InvalidParam("This device already published different identity keys; log in as a new device to use new ones");
                if (current is not null && current.Json != identity.Json)
                {
                    await keys.ReplaceDeviceKeysJsonAsync(requester.UserId, requester.DeviceId, identity.Json, ct);
                    write.DeviceListChanged(requester.UserId, requester.DeviceId);
                }
            }
            await StoreOneTimeKeysAsync(requester, otks, ct);
            foreach (var fallback in fallbacks) await StoreFallbackKeyAsync(requester, fallback, ct);
        }, ct);

        return new JsonObject { ["one_time_key_counts"] = await CountsAsync(requester.UserId, requester.DeviceId, ct) };
    }

    /// <summary>
    /// Unclaimed one-time keys per algorithm; <c>signed_curve25519</c> is always present (0 when none), as Synapse does,
    /// because clients read its absence as "unknown" rather than zero.
    /// </summary>
    public async Task<JsonObject> CountsAsync(string userId, string deviceId, CancellationToken ct)
    {
        var counts = await keys.OneTimeKeyCountsAsync(userId, deviceId, ct);
        var json = new JsonObject { [SignedCurve25519] = 0 };
        foreach (var (algorithm, count) in counts.OrderBy(c => c.Key, StringComparer.Ordinal)) json[algorithm] = count;
        return json;
    }

    private async Task StoreOneTimeKeysAsync(Requester requester, List<CheckedKey> otks, CancellationToken ct)
    {
        if (otks.Count == 0) return;
        var existing = await keys.ExistingOneTimeKeysAsync(requester.UserId, requester.DeviceId, otks.Select(k => k.KeyId).Distinct().ToList(), ct);
        var fresh = new List<OneTimeKeyRow>();
        foreach (var key in otks)
        {
            if (existing.TryGetValue((key.Algorithm, key.KeyId), out var json))
            {
                if (json != key.Json) throw MatrixError.InvalidParam($"One-time key {key.Algorithm}:{key.KeyId} already exists with other content");
                continue;
            }
            fresh.Add(new OneTimeKeyRow { UserId = requester.UserId, DeviceId = requester.DeviceId, Algorithm = key.Algorithm, KeyId = key.KeyId, Json = key.Json });
        }
        keys.AddOneTimeKeys(fresh);
    }

    /// <summary>A new fallback key replaces the old one of its algorithm and is unused; the same key again changes nothing.</summary>
    private async Task StoreFallbackKeyAsync(Requester requester, CheckedKey key, CancellationToken ct)
    {
        var row = await keys.FindFallbackKeyAsync(requester.UserId, requester.DeviceId, key.Algorithm, ct);
        if (row is null)
        {
            keys.AddFallbackKey(new FallbackKeyRow { UserId = requester.UserId, DeviceId = requester.DeviceId, Algorithm = key.Algorithm, KeyId = key.KeyId, Json = key.Json });
        }
        else if (row.KeyId != key.KeyId || row.Json != key.Json)
        {
            keys.ReplaceFallbackKey(row, key.KeyId, key.Json);
        }
    }

    private static List<KeyValuePair<string, JsonNode?>> KeyMap(JsonObject body, string name) => body[name] switch
    {
        null => [],
        JsonObject o => [.. o],
        _ => throw MatrixError.BadJson($"{name} must be an object"),
    };

    /// <summary>
    /// Checks one <c>&lt;algorithm&gt;:&lt;key id&gt;</c> entry: <c>signed_curve25519</c> is an object with a 32-byte key
    /// signed by the device's Ed25519 key, <c>curve25519</c> a bare 32-byte key; other algorithms are kept as sent.
    /// </summary>
    private static CheckedKey CheckKey(string name, JsonNode? value, Requester requester, string? signingKey, string field)
    {
        var colon = name.IndexOf(':');
        if (colon <= 0 || colon == name.Length - 1) throw MatrixError.BadJson($"{field}: '{name}' is not <algorithm>:<key id>");
        var algorithm = name[..colon];
        var keyId = name[(colon + 1)..];
        switch (algorithm)
        {
            case SignedCurve25519:
                if (value is not JsonObject obj || !SignedKeyJson.IsPublicKey(SignedKeyJson.String(obj, "key")))
                    throw MatrixError.BadJson($"{field}: {name} must be an object with a 32-byte unpadded base64 key");
                if (signingKey is null) throw MatrixError.InvalidParam($"{field}: upload device keys before signed keys");
                if (!SignedKeyJson.IsSignedBy(obj, requester.UserId, "ed25519:" + requester.DeviceId, signingKey))
                    throw MatrixError.InvalidParam($"{field}: {name} is not signed by this device's ed25519 key");
                break;
            case Curve25519:
                if (value is not JsonValue v || !v.TryGetValue(out string? text) || !SignedKeyJson.IsPublicKey(text))
                    throw MatrixError.BadJson($"{field}: {name} must be a 32-byte unpadded base64 key");
                break;
            default:
                if (value is not (JsonObject or JsonValue)) throw MatrixError.BadJson($"{field}: {name} must be a key object or string");
                break;
        }
        return new CheckedKey(algorithm, keyId, SignedKeyJson.Canonical(value!, $"{field}: {name}"));
    }

    private sealed record CheckedKey(string Algorithm, string KeyId, string Json);
}
