using System.Globalization;
using System.Text.Json.Nodes;
using Messenger.Homeserver.Auth;
using Messenger.Homeserver.Errors;
using Messenger.Homeserver.RoomServer;
using Messenger.Homeserver.Storage;
using Messenger.Homeserver.Storage.Rows;

namespace Messenger.Homeserver.ClientApi.Keys;

/// <summary>
/// Dehydrated devices (MSC3814, <c>/_matrix/client/unstable/org.matrix.msc3814.v1/dehydrated_device</c>), which current
/// Element Web uses whenever the server offers them (and the user has cross-signing and secret storage): a device kept
/// on the server that receives room keys while the user has no device logged in. Rules: at most one per user (a new one
/// deletes the old one, its keys and its messages); its id must not be one of the user's other devices; its device,
/// one-time and fallback keys pass the same checks as <c>/keys/upload</c>, and when they fail nothing is left behind;
/// its to-device messages are read in batches by any device of the user and not deleted by reading (another device may
/// have to start over), only with the device.
/// </summary>
public sealed class DehydratedDeviceService(
    DehydratedDeviceStore store, DeviceStore devices, KeyUploadService uploads, ToDeviceStore toDevice, StreamPositions positions, TimeProvider time)
{
    /// <summary>To-device messages per <c>/events</c> batch, as for one sync response.</summary>
    public const int BatchSize = SyncKeyData.MaxToDeviceEvents;

    /// <summary><c>PUT /dehydrated_device</c>: replaces the user's dehydrated device; returns its id.</summary>
    public async Task<JsonObject> PutAsync(Requester requester, JsonObject body, CancellationToken ct)
    {
        var deviceId = body["device_id"] switch
        {
            null => throw MatrixError.MissingParam("device_id"),
            JsonValue v when v.TryGetValue(out string? id) && id.Length is > 0 and <= 255 => id,
            _ => throw MatrixError.InvalidParam("device_id must be a string of 1 to 255 characters"),
        };
        if (body["device_data"] is not JsonObject deviceData)
            throw body["device_data"] is null ? MatrixError.MissingParam("device_data") : MatrixError.BadJson("device_data must be an object");
        if (body["device_keys"] is not JsonObject)
            throw body["device_keys"] is null ? MatrixError.MissingParam("device_keys") : MatrixError.BadJson("device_keys must be an object");
        var displayName = body["initial_device_display_name"] switch
        {
            null => null,
            JsonValue v when v.TryGetValue(out string? name) => name,
            _ => throw MatrixError.BadJson("initial_device_display_name must be a string"),
        };

        var previous = await store.FindAsync(requester.UserId, ct);
        if (previous?.DeviceId != deviceId && await devices.FindAsync(requester.UserId, deviceId, ct) is not null)
            throw MatrixError.InvalidParam("device_id is the id of another device of this user");
        if (previous is not null) await devices.DeleteAsync(requester.UserId, [previous.DeviceId], ct);

        await store.AddAsync(new DehydratedDeviceRow
        {
            UserId = requester.UserId, DeviceId = deviceId, DeviceDataJson = deviceData.ToJsonString(StoredJson.Options),
            CreatedTs = time.GetUtcNow().ToUnixTimeMilliseconds(),
        }, displayName, ct);
        var keys = new JsonObject();
        foreach (var name in new[] { "device_keys", "one_time_keys", "fallback_keys" })
        {
            if (body[name] is { } value) keys[name] = value.DeepClone();
        }
        try
        {
            await uploads.UploadAsync(new Requester(requester.UserId, deviceId, AccessTokenId: 0), keys, ct);
        }
        catch (MatrixException)
        {
            // Keys for another device, bad signatures...: the device must not stay without its keys.
            await devices.DeleteAsync(requester.UserId, [deviceId], CancellationToken.None);
            throw;
        }
        return new JsonObject { ["device_id"] = deviceId };
    }

    /// <summary><c>GET /dehydrated_device</c>: the device's id and data, or <c>M_NOT_FOUND</c>.</summary>
    public async Task<JsonObject> GetAsync(Requester requester, CancellationToken ct)
    {
        var row = await store.FindAsync(requester.UserId, ct) ?? throw MatrixError.NotFound("No dehydrated device");
        return new JsonObject { ["device_id"] = row.DeviceId, ["device_data"] = JsonNode.Parse(row.DeviceDataJson) };
    }

    /// <summary><c>DELETE /dehydrated_device</c>: deletes the device with its keys and messages; returns its id.</summary>
    public async Task<JsonObject> DeleteAsync(Requester requester, CancellationToken ct)
    {
        var row = await store.FindAsync(requester.UserId, ct) ?? throw MatrixError.NotFound("No dehydrated device");
        await devices.DeleteAsync(requester.UserId, [row.DeviceId], ct);
        return new JsonObject { ["device_id"] = row.DeviceId };
    }

    /// <summary>
    /// <c>POST /dehydrated_device/{deviceId}/events</c>: the next batch of the device's to-device messages after
    /// <c>next_batch</c> (a stream position), oldest first. The last batch is followed by one with no events.
    /// </summary>
    public async Task<JsonObject> EventsAsync(Requester requester, string deviceId, JsonObject body, CancellationToken ct)
    {
        var after = body["next_batch"] switch
        {
            null => 0L,
            JsonValue v when v.TryGetValue(out string? token) && long.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var position) => position,
            _ => throw MatrixError.InvalidParam("next_batch is not a token this server gave"),
        };
        var row = await store.FindAsync(requester.UserId, ct);
        if (row is null || row.DeviceId != deviceId) throw MatrixError.Forbidden("That is not your dehydrated device");

        var messages = await toDevice.PendingAsync(requester.UserId, deviceId, after, positions.Current, BatchSize, ct);
        var events = new JsonArray();
        foreach (var message in messages)
        {
            events.Add(new JsonObject { ["sender"] = message.Sender, ["type"] = message.Type, ["content"] = JsonNode.Parse(message.ContentJson) });
        }
        var next = messages.Count > 0 ? messages[^1].Position : after;
        return new JsonObject { ["events"] = events, ["next_batch"] = next.ToString(CultureInfo.InvariantCulture) };
    }
}
