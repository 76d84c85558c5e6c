using System.Text.Json.Nodes;
using Messenger.Federation.Client;
using Messenger.Homeserver.ClientApi.Keys;

namespace Messenger.Homeserver.FederationApi;

/// <summary>
/// Remote users' keys over federation for the client key endpoints ("End-to-End Encryption"):
/// <c>POST /_matrix/federation/v1/user/keys/query</c> and <c>/user/keys/claim</c> on the users' server, within the
/// client's timeout. An unreachable or failing server becomes its <c>failures</c> entry (status 503 when no answer
/// came), never an error of the whole request.
/// </summary>
public sealed class FederationKeyDirectory(IFederationClient client) : IRemoteKeyDirectory
{
    public Task<RemoteKeyAnswer> QueryAsync(string serverName, IReadOnlyDictionary<string, IReadOnlyList<string>> devicesByUser, TimeSpan timeout,
        CancellationToken ct)
    {
        var wanted = new JsonObject();
        foreach (var (user, devices) in devicesByUser) wanted[user] = new JsonArray(devices.Select(d => (JsonNode)d).ToArray());
        return AskAsync(serverName, "/_matrix/federation/v1/user/keys/query", new JsonObject { ["device_keys"] = wanted }, timeout, ct);
    }

    public Task<RemoteKeyAnswer> ClaimAsync(string serverName, IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> algorithmByDevice,
        TimeSpan timeout, CancellationToken ct)
    {
        var wanted = new JsonObject();
        foreach (var (user, devices) in algorithmByDevice)
        {
            var byDevice = new JsonObject();
            foreach (var (device, algorithm) in devices) byDevice[device] = algorithm;
            wanted[user] = byDevice;
        }
        return AskAsync(serverName, "/_matrix/federation/v1/user/keys/claim", new JsonObject { ["one_time_keys"] = wanted }, timeout, ct);
    }

    private async Task<RemoteKeyAnswer> AskAsync(string serverName, string path, JsonObject body, TimeSpan timeout, CancellationToken ct)
    {
        try
        {
            var answer = await client.PostJsonAsync(serverName, path, body, ct, new FederationCallOptions(MaxRetries: 0, Timeout: timeout));
            return new RemoteKeyAnswer(answer, null);
        }
        catch (FederationRequestException e)
        {
            return RemoteKeyAnswer.Failed(e.Status ?? 503, e.Status is null ? "Server unreachable" : $"Server answered {e.Status}");
        }
    }
}
