using System.Text.Json.Nodes;
using Messenger.Homeserver.Storage;

namespace Messenger.Homeserver.ClientApi.Keys;

/// <summary>
/// What <c>/sync</c> adds for end-to-end encryption ("Extensions to /sync" of the E2E and send-to-device modules), read
/// for one device over a stream window. All positions are event stream positions (<c>StreamPositions</c>).
/// </summary>
public sealed class SyncKeyData(ToDeviceStore toDevice, DeviceKeyStore keys, KeyUploadService uploads, DeviceListDeltas deviceLists)
{
    /// <summary>To-device messages per sync response, as the spec recommends.</summary>
    public const int MaxToDeviceEvents = 100;

    /// <summary>
    /// The device's to-device messages with positions in (<paramref name="since"/>, <paramref name="upTo"/>], oldest first,
    /// at most <see cref="MaxToDeviceEvents"/>; first deletes those at or below <paramref name="since"/>, which the
    /// client acknowledged by syncing from it. <see cref="ToDeviceBatch.Through"/> is where the next sync must resume
    /// for to-device: <paramref name="upTo"/>, or the last delivered position when the batch was capped.
    /// </summary>
    public async Task<ToDeviceBatch> ToDeviceAsync(string userId, string deviceId, long since, long upTo, CancellationToken ct)
    {
        if (since > 0) await toDevice.DeleteDeliveredAsync(userId, deviceId, since, ct);
        var rows = await toDevice.PendingAsync(userId, deviceId, since, upTo, MaxToDeviceEvents + 1, ct);
        var limited = rows.Count > MaxToDeviceEvents;
        if (limited) rows.RemoveAt(rows.Count - 1);
        var events = new JsonArray();
        foreach (var row in rows)
        {
            events.Add(new JsonObject { ["sender"] = row.Sender, ["type"] = row.Type, ["content"] = JsonNode.Parse(row.ContentJson) });
        }
        return new ToDeviceBatch(events, limited ? rows[^1].Position : upTo, limited);
    }

    /// <summary><c>device_one_time_keys_count</c>: unclaimed one-time keys per algorithm (<c>signed_curve25519</c> always present).</summary>
    public Task<JsonObject> OneTimeKeysCountAsync(string userId, string deviceId, CancellationToken ct) => uploads.CountsAsync(userId, deviceId, ct);

    /// <summary><c>device_unused_fallback_key_types</c>: algorithms with a fallback key no claim has used yet.</summary>
    public async Task<JsonArray> UnusedFallbackKeyTypesAsync(string userId, string deviceId, CancellationToken ct) =>
        new((await keys.UnusedFallbackKeyTypesAsync(userId, deviceId, ct)).Select(t => (JsonNode)JsonValue.Create(t)!).ToArray());

    /// <summary><c>device_lists</c> for the window (<paramref name="since"/>, <paramref name="upTo"/>]; see <see cref="DeviceListDeltas"/>.</summary>
    public Task<DeviceListDelta> DeviceListsAsync(string userId, long since, long upTo, CancellationToken ct) =>
        deviceLists.BetweenAsync(userId, since, upTo, ct);
}

/// <summary>To-device events for one sync response and the position the next one resumes after.</summary>
public sealed record ToDeviceBatch(JsonArray Events, long Through, bool Limited);
