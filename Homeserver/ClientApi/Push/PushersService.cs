using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Messenger.Homeserver.Auth;
using Messenger.Homeserver.Errors;
using Messenger.Homeserver.Push;
using Messenger.Homeserver.RoomServer;
using Messenger.Homeserver.Storage;
using Messenger.Homeserver.Storage.Rows;

namespace Messenger.Homeserver.ClientApi.Push;

/// <summary><c>GET /pushers</c> and <c>POST /pushers/set</c> ("Client behaviour" of the push module).</summary>
public sealed class PushersService(PusherStore store, StreamPositions positions, PushDeliverySignal delivery, TimeProvider time)
{
    /// <summary>The path every push gateway serves ("PusherData": <c>url</c> MUST have it).</summary>
    public const string NotifyPath = "/_matrix/push/v1/notify";

    public async Task<JsonArray> ListAsync(string userId, CancellationToken ct)
    {
        var list = new JsonArray();
        foreach (var p in await store.OfUserAsync(userId, ct))
        {
            var json = new JsonObject
            {
                ["pushkey"] = p.Pushkey, ["kind"] = p.Kind, ["app_id"] = p.AppId, ["app_display_name"] = p.AppDisplayName,
                ["device_display_name"] = p.DeviceDisplayName, ["lang"] = p.Lang, ["data"] = JsonNode.Parse(p.DataJson),
            };
            if (p.ProfileTag is not null) json["profile_tag"] = p.ProfileTag;
            list.Add(json);
        }
        return list;
    }

    /// <summary>
    /// <c>POST /pushers/set</c>: <c>kind</c> null deletes the pusher of (<c>app_id</c>, <c>pushkey</c>); otherwise it is created
    /// or updated. Only <c>http</c> pushers exist here; their <c>data.url</c> must be an http(s) URL of the notify path.
    /// </summary>
    public async Task SetAsync(Requester requester, JsonObject body, CancellationToken ct)
    {
        if (!body.TryGetPropertyValue("kind", out var kindNode)) throw MatrixError.MissingParam("kind");
        var appId = RequiredString(body, "app_id");
        var pushkey = RequiredString(body, "pushkey");
        if (appId.Length > 64) throw MatrixError.InvalidParam("app_id is longer than 64 characters");
        if (Encoding.UTF8.GetByteCount(pushkey) > 512) throw MatrixError.InvalidParam("pushkey is longer than 512 bytes");
        if (kindNode is null)
        {
            await store.DeleteAsync(requester.UserId, appId, pushkey, ct);
            return;
        }
        var kind = String(kindNode, "kind");
        if (kind != "http") throw MatrixError.InvalidParam($"Unsupported pusher kind: {kind}");
        if (!body.TryGetPropertyValue("data", out var dataNode) || dataNode is null) throw MatrixError.MissingParam("data");
        if (dataNode is not JsonObject data) throw MatrixError.BadJson("data must be an object");
        if (!data.TryGetPropertyValue("url", out var urlNode) || urlNode is null) throw MatrixError.MissingParam("data.url");
        var url = String(urlNode, "data.url");
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            throw MatrixError.InvalidParam("data.url must be an absolute http(s) URL");
        if (uri.AbsolutePath != NotifyPath) throw MatrixError.InvalidParam($"data.url must have a path of {NotifyPath}");
        var append = body["append"] switch
        {
            null => false,
            JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValue<bool>(),
            _ => throw MatrixError.BadJson("append must be a boolean"),
        };

        var row = new PusherRow
        {
            UserId = requester.UserId, DeviceId = requester.DeviceId, Kind = kind, AppId = appId, Pushkey = pushkey,
            AppDisplayName = RequiredString(body, "app_display_name"), DeviceDisplayName = RequiredString(body, "device_display_name"),
            ProfileTag = body["profile_tag"] is { } tag ? String(tag, "profile_tag") : null, Lang = RequiredString(body, "lang"),
            DataJson = data.ToJsonString(), PushkeyTs = time.GetUtcNow().ToUnixTimeMilliseconds(),
        };
        await store.SetAsync(row, append, positions.Current, ct);
        delivery.PusherSet(requester.UserId);
    }

    private static string RequiredString(JsonObject body, string name) =>
        body[name] is { } node ? String(node, name) : throw MatrixError.MissingParam(name);

    private static string String(JsonNode node, string name) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : throw MatrixError.BadJson($"{name} must be a string");
}
