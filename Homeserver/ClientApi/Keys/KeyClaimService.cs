using System.Text.Json.Nodes;
using Messenger.Homeserver.Configuration;
using Messenger.Homeserver.Errors;
using Messenger.Homeserver.Storage;

namespace Messenger.Homeserver.ClientApi.Keys;

/// <summary>
/// <c>POST /keys/claim</c> ("One-time and fallback keys"): for each requested device, its oldest one-time key of the
/// algorithm, handed out exactly once (deleted in the statement that reads it); when none is left, its fallback key,
/// which stays and is marked used. A request costs the same few statements however many devices it names. A device with neither is left out. Users of other servers go through
/// <see cref="IRemoteKeyDirectory"/>, all servers in parallel within the client's <c>timeout</c>.
/// </summary>
public sealed class KeyClaimService(DeviceKeyStore keys, DatabaseWriteGate writeGate, IRemoteKeyDirectory remote, HomeserverConfig config)
{
    public async Task<JsonObject> ClaimAsync(JsonObject body, CancellationToken ct)
    {
        if (body["one_time_keys"] is not JsonObject wanted)
            throw body["one_time_keys"] is null ? MatrixError.MissingParam("one_time_keys") : MatrixError.BadJson("one_time_keys must be an object");
        var requests = new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal);
        foreach (var (user, devices) in wanted)
        {
            if (devices is not JsonObject map) throw MatrixError.BadJson($"one_time_keys.{user} must be an object");
            var algorithms = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (device, algorithm) in map)
            {
                if (algorithm is not JsonValue v || !v.TryGetValue(out string? name) || name.Length == 0)
                    throw MatrixError.BadJson($"one_time_keys.{user}.{device} must be an algorithm name");
                algorithms[device] = name;
            }
            requests[user] = algorithms;
        }
        var timeout = KeyRequestUsers.Timeout(body);
        var byServer = KeyRequestUsers.ByServer(wanted, "one_time_keys");

        var claimed = new JsonObject();
        var failures = new JsonObject();
        if (byServer.Remove(config.ServerName, out var localUsers)) await ClaimLocalAsync(localUsers, requests, claimed, ct);
        var answers = await Task.WhenAll(byServer.Select(async pair =>
            (Server: pair.Key, Users: pair.Value,
             Answer: await remote.ClaimAsync(pair.Key, pair.Value.ToDictionary(u => u, u => requests[u], StringComparer.Ordinal), timeout, ct))));
        foreach (var (server, users, answer) in answers)
        {
            if (answer.Failure is not null) failures[server] = answer.Failure;
            else if (answer.Response?["one_time_keys"] is JsonObject part)
            {
                foreach (var (user, value) in part)
                {
                    if (users.Contains(user)) claimed[user] = value?.DeepClone();
                }
            }
        }
        return new JsonObject { ["one_time_keys"] = claimed, ["failures"] = failures };
    }

    private async Task ClaimLocalAsync(List<string> users, Dictionary<string, IReadOnlyDictionary<string, string>> requests, JsonObject claimed, CancellationToken ct)
    {
        var wanted = users.SelectMany(u => requests[u].Select(d => (UserId: u, DeviceId: d.Key, Algorithm: d.Value))).ToList();
        using var writing = await writeGate.EnterAsync(ct);
        await keys.InTransactionAsync(async () =>
        {
            var oneTime = (await keys.ClaimOneTimeKeysAsync(wanted, ct)).ToDictionary(k => (k.UserId, k.DeviceId), k => (k.KeyId, k.Json));
            var withoutOneTime = wanted.Where(w => !oneTime.ContainsKey((w.UserId, w.DeviceId))).ToList();
            var fallback = (await keys.TakeFallbackKeysAsync(withoutOneTime, ct)).ToDictionary(k => (k.UserId, k.DeviceId), k => (k.KeyId, k.Json));
            foreach (var (user, device, algorithm) in wanted)
            {
                if (!oneTime.TryGetValue((user, device), out var found) && !fallback.TryGetValue((user, device), out found)) continue;
                if (claimed[user] is not JsonObject byDevice) claimed[user] = byDevice = [];
                byDevice[device] = new JsonObject { [$"{algorithm}:{found.KeyId}"] = SignedKeyJson.Parse(found.Json) };
            }
        }, ct);
    }
}
