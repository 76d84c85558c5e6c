using System.Text.Json.Nodes;
using Messenger.Homeserver.ClientApi.Keys;
using Messenger.Homeserver.FederationApi.Edus;
using Messenger.Homeserver.Storage;

namespace Messenger.Homeserver.FederationApi;

/// <summary>
/// Remote users' keys for <c>/keys/query</c>, from the device lists their servers keep us up to date on ("Device
/// Management": the local cache "should be applied by consuming <c>m.device_list_update</c> EDUs") when we have a list
/// that is not stale and share a room with the user (so their server sends us updates); anyone else is asked over
/// federation (<see cref="FederationKeyDirectory"/>). A user we share a room with but hold no list of (they have just
/// started sharing one) is asked directly too, and their list is fetched in the background
/// (<see cref="RemoteDeviceResyncer"/>) so later queries are answered here, as Synapse does; a stale list is being
/// resynced already. Claims always go to the user's server.
/// </summary>
public sealed class CachedRemoteKeyDirectory(FederationKeyDirectory federation, IServiceScopeFactory scopes, RemoteDeviceResyncer resyncer) : IRemoteKeyDirectory
{
    public async Task<RemoteKeyAnswer> QueryAsync(string serverName, IReadOnlyDictionary<string, IReadOnlyList<string>> devicesByUser, TimeSpan timeout,
        CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<RemoteDeviceStore>();
        var audience = scope.ServiceProvider.GetRequiredService<EduAudience>();
        var held = (await store.ListsAsync([.. devicesByUser.Keys], ct)).ToDictionary(l => l.UserId, StringComparer.Ordinal);
        var lists = held.Values.Where(l => !l.Stale).ToDictionary(l => l.UserId, StringComparer.Ordinal);
        var cached = new HashSet<string>(StringComparer.Ordinal);
        foreach (var user in devicesByUser.Keys)
        {
            if (!await audience.IsKnownRemoteAsync(serverName, user, ct)) continue;
            if (lists.ContainsKey(user)) cached.Add(user);
            else if (!held.ContainsKey(user)) resyncer.Request(user);
        }
        var rest = devicesByUser.Where(kv => !cached.Contains(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        var asked = rest.Count > 0 ? await federation.QueryAsync(serverName, rest, timeout, ct) : null;
        if (cached.Count == 0) return asked!;

        var response = asked?.Response?.DeepClone() as JsonObject ?? [];
        foreach (var section in new[] { "device_keys", "master_keys", "self_signing_keys" })
        {
            if (response[section] is not JsonObject) response[section] = new JsonObject();
        }
        foreach (var device in await store.DevicesAsync(cached, ct))
        {
            if (device.KeysJson is null || devicesByUser[device.UserId] is { Count: > 0 } wanted && !wanted.Contains(device.DeviceId)) continue;
            var keys = JsonNode.Parse(device.KeysJson)!.AsObject();
            keys["unsigned"] = device.DisplayName is null ? new JsonObject() : new JsonObject { ["device_display_name"] = device.DisplayName };
            if (response["device_keys"]![device.UserId] is not JsonObject ofUser) response["device_keys"]![device.UserId] = ofUser = [];
            ofUser[device.DeviceId] = keys;
        }
        foreach (var user in cached)
        {
            if (response["device_keys"]![user] is null) response["device_keys"]![user] = new JsonObject();
            if (lists[user].MasterKeyJson is { } master) response["master_keys"]![user] = JsonNode.Parse(master);
            if (lists[user].SelfSigningKeyJson is { } selfSigning) response["self_signing_keys"]![user] = JsonNode.Parse(selfSigning);
        }
        return new RemoteKeyAnswer(response, asked?.Failure);
    }

    public Task<RemoteKeyAnswer> ClaimAsync(string serverName, IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> algorithmByDevice,
        TimeSpan timeout, CancellationToken ct) =>
        federation.ClaimAsync(serverName, algorithmByDevice, timeout, ct);
}
