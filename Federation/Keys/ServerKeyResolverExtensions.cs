using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Events;
using Messenger.Federation.Protocol.Signing;

namespace Messenger.Federation.Keys;

/// <summary>Fetching the keys a batch of received PDUs needs, then checking them synchronously with the protocol core.</summary>
public static class ServerKeyResolverExtensions
{
    /// <summary>
    /// Resolves the keys of every server whose signature the events need (<see cref="PduSignatures.RequiredServers"/>),
    /// for the key ids they were signed with, valid at least until the latest <c>origin_server_ts</c> among them
    /// when the room version enforces key validity, and returns a lookup for <see cref="PduVerification.Verify"/>.
    /// </summary>
    public static async Task<VerifyKeyLookup> LookupForPdusAsync(this IServerKeyResolver resolver, IEnumerable<Pdu> pdus, CancellationToken ct)
    {
        var wanted = new Dictionary<string, (HashSet<string> KeyIds, long MinimumValidUntilTs)>(StringComparer.Ordinal);
        foreach (var pdu in pdus)
        {
            foreach (var server in PduSignatures.RequiredServers(pdu))
            {
                if (!wanted.TryGetValue(server, out var entry))
                {
                    entry = (new HashSet<string>(StringComparer.Ordinal), 0);
                }
                if (pdu.Json["signatures"] is JsonObject signatures && signatures[server] is JsonObject mine)
                {
                    foreach (var (keyId, _) in mine) entry.KeyIds.Add(keyId);
                }
                var minimum = pdu.RoomVersion.EnforceKeyValidity ? Math.Max(entry.MinimumValidUntilTs, pdu.OriginServerTs) : entry.MinimumValidUntilTs;
                wanted[server] = (entry.KeyIds, minimum);
            }
        }

        var known = new Dictionary<(string, string), ServerVerifyKey>();
        var lookups = wanted.Select(async w =>
            (w.Key, await resolver.GetVerifyKeysAsync(w.Key, w.Value.KeyIds, w.Value.MinimumValidUntilTs, ct)));
        foreach (var (server, keys) in await Task.WhenAll(lookups))
        {
            foreach (var (keyId, key) in keys) known[(server, keyId)] = key;
        }
        return (server, keyId) => known.GetValueOrDefault((server, keyId));
    }
}
