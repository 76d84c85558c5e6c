using System.Text.Json.Nodes;
using Messenger.Federation.Ports;
using Messenger.Homeserver.Auth;
using Messenger.Homeserver.ClientApi.Keys;
using Messenger.Homeserver.Storage;

namespace Messenger.Homeserver.FederationApi;

/// <summary>
/// Local devices and keys for other servers, through the same services the client key endpoints use. A remote
/// server reads as a requester without a user: it sees each user's own signatures, never the private signatures
/// of a user-signing key, and no user-signing keys (those are for their owner only).
/// </summary>
public sealed class UserKeysDirectory(KeyQueryService query, KeyClaimService claim, AccountStore accounts, DeviceListStore deviceLists) : IUserKeysDirectory
{
    private static readonly Requester RemoteServer = new("", "", 0);

    public async Task<JsonObject> QueryKeysAsync(JsonObject deviceKeys, CancellationToken ct)
    {
        var answer = await query.QueryAsync(RemoteServer, new JsonObject { ["device_keys"] = deviceKeys }, ct);
        return new JsonObject
        {
            ["device_keys"] = answer["device_keys"]?.DeepClone(),
            ["master_keys"] = answer["master_keys"]?.DeepClone(),
            ["self_signing_keys"] = answer["self_signing_keys"]?.DeepClone(),
        };
    }

    public async Task<JsonObject> ClaimKeysAsync(JsonObject oneTimeKeys, CancellationToken ct)
    {
        var answer = await claim.ClaimAsync(new JsonObject { ["one_time_keys"] = oneTimeKeys }, ct);
        return new JsonObject { ["one_time_keys"] = answer["one_time_keys"]?.DeepClone() ?? new JsonObject() };
    }

    public async Task<JsonObject?> DevicesAsync(string userId, CancellationToken ct)
    {
        if (!await accounts.ExistsAsync(userId, ct)) return null;
        var keys = await QueryKeysAsync(new JsonObject { [userId] = new JsonArray() }, ct);
        var devices = new JsonArray();
        foreach (var (deviceId, json) in keys["device_keys"]?[userId] as JsonObject ?? [])
        {
            var device = new JsonObject { ["device_id"] = deviceId, ["keys"] = json?.DeepClone() };
            if (json?["unsigned"]?["device_display_name"] is { } name) device["device_display_name"] = name.DeepClone();
            device["keys"]!.AsObject().Remove("unsigned");
            devices.Add(device);
        }
        var answer = new JsonObject
        {
            ["user_id"] = userId,
            // The position of the user's last device change: the stream_id of the last m.device_list_update we sent.
            ["stream_id"] = await deviceLists.LastDeviceChangeAsync(userId, null, ct),
            ["devices"] = devices,
        };
        if (keys["master_keys"]?[userId] is { } master) answer["master_key"] = master.DeepClone();
        if (keys["self_signing_keys"]?[userId] is { } selfSigning) answer["self_signing_key"] = selfSigning.DeepClone();
        return answer;
    }
}
