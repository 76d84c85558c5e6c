using System.Text.Json.Nodes;
using Messenger.Federation.Ports;
using Messenger.Homeserver.Storage;
using Messenger.Homeserver.Storage.Rows;

namespace Messenger.Homeserver.FederationApi.Edus;

/// <summary>
/// Outbound device lists ("Device Management", "End-to-End Encryption"): the federation sender's second fan-out reads
/// local users' device list changes from the stream positions, in order, and queues for every server sharing a room
/// with the user an <c>m.device_list_update</c> per device change (<c>stream_id</c> = the change's position,
/// <c>prev_id</c> = the user's device change before it, the device's keys and name as they are now, or
/// <c>deleted</c>) and an <c>m.signing_key_update</c> per change of the cross-signing keys. The fan-out position
/// advances in the same save as the queued EDUs, so none is lost or sent twice.
/// </summary>
public sealed class DeviceListEduSender(DeviceListStore deviceLists, FederationOutboxStore outbox, IUserKeysDirectory keys, DeviceStore devices,
    EduAudience audience, TimeProvider time)
{
    public const int Batch = 200;

    /// <summary>Queues the EDUs of the changes up to <paramref name="upTo"/>; returns how many changes were looked at.</summary>
    public async Task<int> FanoutAsync(long upTo, CancellationToken ct)
    {
        var position = await outbox.DeviceListPositionAsync(upTo, ct);
        if (position is null || position.Position >= upTo) return 0;
        var changes = await deviceLists.ChangesAsync(position.Position, upTo, Batch, ct);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var mine in changes.Where(c => audience.IsLocal(c.UserId)).GroupBy(c => c.UserId, StringComparer.Ordinal))
        {
            var servers = await audience.ServersSharingRoomsAsync(mine.Key, ct);
            if (servers.Count == 0) continue;
            var published = await keys.QueryKeysAsync(new JsonObject { [mine.Key] = new JsonArray() }, ct);
            foreach (var change in mine)
            {
                var edu = change.DeviceId is null ? SigningKeyUpdate(mine.Key, published) : await DeviceUpdateAsync(change, published, ct);
                if (edu is { } e) outbox.EnqueueEdu(servers, e.Type, e.Content.ToJsonString(), now);
            }
        }
        position.Position = changes.Count == Batch ? changes[^1].Position : upTo;
        await outbox.SaveAsync(ct);
        return changes.Count;
    }

    private async Task<(string Type, JsonObject Content)> DeviceUpdateAsync(DeviceListChangeRow change, JsonObject published, CancellationToken ct)
    {
        var prev = await deviceLists.LastDeviceChangeAsync(change.UserId, change.Position, ct);
        var deviceKeys = published["device_keys"]?[change.UserId]?[change.DeviceId!]?.DeepClone() as JsonObject;
        var name = deviceKeys?["unsigned"]?["device_display_name"] is JsonValue n && n.TryGetValue(out string? shown) ? shown : null;
        deviceKeys?.Remove("unsigned");
        var deleted = false;
        if (deviceKeys is null)
        {
            var device = await devices.FindAsync(change.UserId, change.DeviceId!, ct);
            deleted = device is null;
            name = device?.DisplayName;
        }
        var update = new DeviceListUpdate(change.UserId, change.DeviceId!, change.Position, prev > 0 ? [prev] : [], deleted, deviceKeys, name);
        return (DeviceListUpdate.EduType, update.ToJson());
    }

    /// <summary>The user's published master and self-signing keys, or nothing when they have no master key.</summary>
    private static (string Type, JsonObject Content)? SigningKeyUpdate(string userId, JsonObject published)
    {
        if (published["master_keys"]?[userId] is not JsonObject master) return null;
        var content = new JsonObject { ["user_id"] = userId, ["master_key"] = master.DeepClone() };
        if (published["self_signing_keys"]?[userId] is JsonObject selfSigning) content["self_signing_key"] = selfSigning.DeepClone();
        return (SigningKeyEdus.Type, content);
    }
}
