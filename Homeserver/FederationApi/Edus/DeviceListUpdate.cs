using System.Text.Json.Nodes;

namespace Messenger.Homeserver.FederationApi.Edus;

/// <summary>
/// The content of an <c>m.device_list_update</c> EDU ("Device Management"): one device of one user added, changed or
/// deleted, numbered in the user's sequence (<c>stream_id</c>) and pointing at the updates before it (<c>prev_id</c>).
/// Pure: parsing, writing and <see cref="Judge"/>, the decision whether the update applies to what we hold.
/// </summary>
public sealed record DeviceListUpdate(string UserId, string DeviceId, long StreamId, IReadOnlyList<long> PrevIds, bool Deleted, JsonObject? Keys,
    string? DisplayName)
{
    public const string EduType = "m.device_list_update";

    /// <summary>
    /// The update, or null when a required field (<c>user_id</c>, <c>device_id</c>, <c>stream_id</c>) is missing or
    /// any field has the wrong type, or when the keys name another user or device than the update.
    /// </summary>
    public static DeviceListUpdate? Parse(JsonObject content)
    {
        if (!TryString(content["user_id"], out var userId) || !TryString(content["device_id"], out var deviceId)
            || content["stream_id"] is not JsonValue s || !s.TryGetValue(out long streamId)) return null;
        var prev = new List<long>();
        switch (content["prev_id"])
        {
            case null: break;
            case JsonArray ids:
                foreach (var id in ids)
                {
                    if (id is not JsonValue v || !v.TryGetValue(out long p)) return null;
                    prev.Add(p);
                }
                break;
            default: return null;
        }
        var deleted = false;
        if (content["deleted"] is { } d && (d is not JsonValue dv || !dv.TryGetValue(out deleted))) return null;
        var keys = content["keys"];
        if (keys is not null and not JsonObject) return null;
        if (keys is JsonObject k && (!TryString(k["user_id"], out var keyUser) || keyUser != userId || !TryString(k["device_id"], out var keyDevice) || keyDevice != deviceId))
            return null;
        string? name = null;
        if (content["device_display_name"] is { } n && !TryString(n, out name)) return null;
        return new DeviceListUpdate(userId, deviceId, streamId, prev, deleted, keys as JsonObject, name);
    }

    public JsonObject ToJson()
    {
        var content = new JsonObject
        {
            ["user_id"] = UserId,
            ["device_id"] = DeviceId,
            ["stream_id"] = StreamId,
            ["prev_id"] = new JsonArray([.. PrevIds.Select(p => (JsonNode)p)]),
            ["deleted"] = Deleted,
        };
        if (Keys is not null) content["keys"] = Keys.DeepClone();
        if (DisplayName is not null) content["device_display_name"] = DisplayName;
        return content;
    }

    /// <summary>
    /// What to do with this update given the <c>stream_id</c> we hold for the user (null: we hold no list, or only a
    /// stale one). Resync when we hold nothing, or a <c>prev_id</c> is one we never saw (newer than what we hold: an
    /// update was lost, "it must resynchronise its list"); ignore an update we already have (not newer than what we
    /// hold: a repeat, or one a resync already covered); otherwise apply it.
    /// </summary>
    public DeviceListVerdict Judge(long? held)
    {
        if (held is not { } have) return DeviceListVerdict.Resync;
        if (StreamId <= have) return DeviceListVerdict.Ignore;
        return PrevIds.Any(p => p > have) ? DeviceListVerdict.Resync : DeviceListVerdict.Apply;
    }

    private static bool TryString(JsonNode? node, out string value)
    {
        value = "";
        if (node is not JsonValue v || !v.TryGetValue(out string? s) || s.Length == 0) return false;
        value = s;
        return true;
    }
}

