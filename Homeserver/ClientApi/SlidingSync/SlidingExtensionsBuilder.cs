using System.Globalization;
using System.Text.Json.Nodes;
using Messenger.Homeserver.Auth;
using Messenger.Homeserver.ClientApi.Keys;

namespace Messenger.Homeserver.ClientApi.SlidingSync;

/// <summary>
/// The <c>extensions</c> of a response, from the same stores as <c>/sync</c>: <c>to_device</c> (MSC3885: messages
/// after <c>since</c>, which acknowledges and deletes the earlier ones, at most 100, <c>next_batch</c> to resume) and
/// <c>e2ee</c> (MSC3884: device list changes since the connection's previous position, one-time key counts, unused
/// fallback key types).
/// </summary>
public sealed class SlidingExtensionsBuilder(SyncKeyData keys)
{
    public async Task<ExtensionsResult> BuildAsync(Requester requester, SlidingExtensions extensions, ConnectionState previous, long upTo, CancellationToken ct)
    {
        var json = new JsonObject();
        var hasContent = false;
        var toDevicePosition = previous.ToDevicePosition;
        if (extensions.ToDevice)
        {
            var since = extensions.ToDeviceSince ?? previous.ToDevicePosition;
            var batch = await keys.ToDeviceAsync(requester.UserId, requester.DeviceId, Math.Min(since, upTo), upTo, ct);
            toDevicePosition = batch.Through;
            json["to_device"] = new JsonObject
            {
                ["next_batch"] = batch.Through.ToString(CultureInfo.InvariantCulture),
                ["events"] = batch.Events,
            };
            hasContent |= batch.Events.Count > 0;
        }
        if (extensions.E2ee)
        {
            var e2ee = new JsonObject();
            if (previous.Position > 0)
            {
                var lists = await keys.DeviceListsAsync(requester.UserId, previous.Position, upTo, ct);
                e2ee["device_lists"] = new JsonObject
                {
                    ["changed"] = new JsonArray(lists.Changed.Select(u => (JsonNode)JsonValue.Create(u)!).ToArray()),
                    ["left"] = new JsonArray(lists.Left.Select(u => (JsonNode)JsonValue.Create(u)!).ToArray()),
                };
                hasContent |= lists.Changed.Count > 0 || lists.Left.Count > 0;
            }
            e2ee["device_one_time_keys_count"] = await keys.OneTimeKeysCountAsync(requester.UserId, requester.DeviceId, ct);
            e2ee["device_unused_fallback_key_types"] = await keys.UnusedFallbackKeyTypesAsync(requester.UserId, requester.DeviceId, ct);
            json["e2ee"] = e2ee;
        }
        return new ExtensionsResult(json, hasContent, toDevicePosition);
    }
}

/// <summary>The extensions' JSON, whether any carries news (which ends a long-poll), and where to-device resumes.</summary>
public sealed record ExtensionsResult(JsonObject Json, bool HasContent, long ToDevicePosition);
