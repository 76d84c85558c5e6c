using System.Text.Json.Nodes;
using Messenger.Homeserver.Storage.Rows;

namespace Messenger.Homeserver.FederationApi.Edus;

/// <summary>
/// A remote user's whole device list as <c>GET /_matrix/federation/v1/user/devices/{userId}</c> answers it
/// (<c>user_id</c>, <c>stream_id</c>, <c>devices</c>, <c>master_key</c>, <c>self_signing_key</c>), as rows to store.
/// Devices whose keys name another user or device are left out; a cross-signing key of another user is dropped.
/// </summary>
public sealed record RemoteDeviceListSnapshot(RemoteDeviceListRow List, IReadOnlyList<RemoteDeviceRow> Devices)
{
    /// <summary>The snapshot, or null when the answer is not about <paramref name="userId"/> or lacks <c>stream_id</c> or <c>devices</c>.</summary>
    public static RemoteDeviceListSnapshot? Parse(string userId, JsonObject answer, long now)
    {
        if (Str(answer["user_id"]) != userId || answer["stream_id"] is not JsonValue s || !s.TryGetValue(out long streamId)
            || answer["devices"] is not JsonArray devices) return null;
        var rows = new Dictionary<string, RemoteDeviceRow>(StringComparer.Ordinal);
        foreach (var device in devices.OfType<JsonObject>())
        {
            if (device["device_id"] is not JsonValue d || !d.TryGetValue(out string? deviceId) || deviceId.Length == 0) continue;
            var keys = device["keys"] as JsonObject;
            if (keys is not null && (Str(keys["user_id"]) != userId || Str(keys["device_id"]) != deviceId)) continue;
            var name = device["device_display_name"] is JsonValue n && n.TryGetValue(out string? displayName) ? displayName : null;
            rows[deviceId] = new RemoteDeviceRow { UserId = userId, DeviceId = deviceId, KeysJson = keys?.ToJsonString(), DisplayName = name };
        }
        var list = new RemoteDeviceListRow
        {
            UserId = userId, StreamId = streamId, UpdatedTs = now,
            MasterKeyJson = OwnKey(answer["master_key"], userId), SelfSigningKeyJson = OwnKey(answer["self_signing_key"], userId),
        };
        return new RemoteDeviceListSnapshot(list, [.. rows.Values]);
    }

    /// <summary>A cross-signing key object of the user (its <c>user_id</c> matches) as JSON, else null.</summary>
    public static string? OwnKey(JsonNode? key, string userId) =>
        key is JsonObject obj && Str(obj["user_id"]) == userId ? obj.ToJsonString() : null;

    private static string? Str(JsonNode? node) => node is JsonValue v && v.TryGetValue(out string? s) ? s : null;
}
