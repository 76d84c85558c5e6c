using Messenger.Federation.Keys;
using Messenger.Federation.Protocol.Signing;
using Messenger.Homeserver.RoomServer.Remote;

namespace Messenger.Homeserver.FederationApi;

/// <summary>The room server's key source over the federation transport's resolver (cache, database, network, notaries).</summary>
public sealed class ResolverPduKeys(IServerKeyResolver resolver) : IPduKeySource
{
    public async Task<IReadOnlyDictionary<ServerKeyId, ServerVerifyKey>> GetKeysAsync(IReadOnlyCollection<ServerKeyId> wanted, long minimumValidUntilTs, CancellationToken ct)
    {
        var lookups = wanted.GroupBy(k => k.ServerName, StringComparer.Ordinal).Select(async server =>
            (Server: server.Key, Keys: await resolver.GetVerifyKeysAsync(server.Key, server.Select(k => k.KeyId).ToList(), minimumValidUntilTs, ct)));
        var found = new Dictionary<ServerKeyId, ServerVerifyKey>();
        foreach (var (server, keys) in await Task.WhenAll(lookups))
        {
            foreach (var (keyId, key) in keys) found[new ServerKeyId(server, keyId)] = key;
        }
        return found;
    }
}
