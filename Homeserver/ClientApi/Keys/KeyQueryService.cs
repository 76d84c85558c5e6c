using System.Text.Json.Nodes;
using Messenger.Homeserver.Auth;
using Messenger.Homeserver.Configuration;
using Messenger.Homeserver.Errors;
using Messenger.Homeserver.Storage;
using Messenger.Homeserver.Storage.Rows;

namespace Messenger.Homeserver.ClientApi.Keys;

/// <summary>
/// <c>POST /keys/query</c> ("Tracking the device list for a user"): the device keys of existing devices with their
/// display names, and the cross-signing keys, each with the uploaded signatures the requester may see
/// ("Key and signature security"); the user-signing key only of the requester. Users of other servers are asked
/// through <see cref="IRemoteKeyDirectory"/>, all servers in parallel within the client's <c>timeout</c>; a server that
/// cannot answer is listed in <c>failures</c>. Of a remote user only the master and self-signing keys are passed on,
/// never a user-signing key (it is only ever shown to its owner).
/// </summary>
public sealed class KeyQueryService(DeviceKeyStore keys, CrossSigningStore crossSigning, IRemoteKeyDirectory remote, HomeserverConfig config)
{
    public async Task<JsonObject> QueryAsync(Requester requester, JsonObject body, CancellationToken ct)
    {
        if (body["device_keys"] is not JsonObject wanted)
            throw body["device_keys"] is null ? MatrixError.MissingParam("device_keys") : MatrixError.BadJson("device_keys must be an object");
        var devicesByUser = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var (user, list) in wanted)
        {
            devicesByUser[user] = list switch
            {
                null => [],
                JsonArray a when a.All(n => n is JsonValue v && v.TryGetValue(out string? _)) => a.Select(n => (string)n!).ToList(),
                _ => throw MatrixError.BadJson($"device_keys.{user} must be a list of device ids"),
            };
        }
        var timeout = KeyRequestUsers.Timeout(body);
        var byServer = KeyRequestUsers.ByServer(wanted, "device_keys");

        var response = new JsonObject
        {
            ["device_keys"] = new JsonObject(),
            ["master_keys"] = new JsonObject(),
            ["self_signing_keys"] = new JsonObject(),
            ["user_signing_keys"] = new JsonObject(),
            ["failures"] = new JsonObject(),
        };
        if (byServer.Remove(config.ServerName, out var localUsers))
            await AddLocalAsync(requester, localUsers.ToDictionary(u => u, u => devicesByUser[u], StringComparer.Ordinal), response, ct);

        // Every remote server is asked at once, each within the client's timeout, so the slowest bounds the request.
        var answers = await Task.WhenAll(byServer.Select(async pair =>
            (Server: pair.Key, Users: pair.Value,
             Answer: await remote.QueryAsync(pair.Key, pair.Value.ToDictionary(u => u, u => devicesByUser[u], StringComparer.Ordinal), timeout, ct))));
        foreach (var (server, users, answer) in answers)
        {
            // A failure may come with the part of the answer that needed no request (users whose device list is cached).
            if (answer.Failure is not null) response["failures"]![server] = answer.Failure;
            foreach (var section in new[] { "device_keys", "master_keys", "self_signing_keys" })
            {
                if (answer.Response?[section] is not JsonObject part) continue;
                foreach (var (user, value) in part)
                {
                    if (users.Contains(user)) response[section]![user] = value?.DeepClone();
                }
            }
        }
        return response;
    }

    private async Task AddLocalAsync(Requester requester, Dictionary<string, IReadOnlyList<string>> devicesByUser, JsonObject response, CancellationToken ct)
    {
        var users = devicesByUser.Keys.ToList();
        var signatures = (await crossSigning.VisibleSignaturesAsync(users, requester.UserId, ct))
            .ToLookup(s => (s.TargetUserId, s.TargetKeyId));

        var deviceKeys = response["device_keys"]!.AsObject();
        foreach (var user in users) deviceKeys[user] = new JsonObject();
        foreach (var (row, displayName) in await keys.QueryDeviceKeysAsync(devicesByUser, ct))
        {
            var json = WithSignatures(row.Json, signatures[(row.UserId, row.DeviceId)]);
            var unsigned = new JsonObject();
            if (displayName is not null) unsigned["device_display_name"] = displayName;
            json["unsigned"] = unsigned;
            deviceKeys[row.UserId]![row.DeviceId] = json;
        }

        foreach (var key in await crossSigning.KeysOfAsync(users, ct))
        {
            var section = key.Usage switch
            {
                CrossSigningUsage.Master => "master_keys",
                CrossSigningUsage.SelfSigning => "self_signing_keys",
                CrossSigningUsage.UserSigning when key.UserId == requester.UserId => "user_signing_keys",
                _ => null,
            };
            if (section is null) continue;
            response[section]![key.UserId] = WithSignatures(key.Json, signatures[(key.UserId, key.PublicKey)]);
        }
    }

    /// <summary>The stored object with the later uploaded signatures merged into its <c>signatures</c>.</summary>
    public static JsonObject WithSignatures(string json, IEnumerable<KeySignatureRow> extra)
    {
        var obj = SignedKeyJson.Parse(json).AsObject();
        foreach (var signature in extra)
        {
            if (obj["signatures"] is not JsonObject all) obj["signatures"] = all = [];
            if (all[signature.SignerUserId] is not JsonObject mine) all[signature.SignerUserId] = mine = [];
            mine[signature.SignerKeyId] = signature.Signature;
        }
        return obj;
    }
}
