using System.Collections.Concurrent;
using Messenger.Federation.Ports;
using Messenger.Federation.Protocol.Signing;
using Microsoft.Extensions.DependencyInjection;

namespace Messenger.Federation.Keys;

/// <summary>
/// <see cref="IServerKeyResolver"/> over three layers: memory, the database (<see cref="IServerKeyStore"/>), and the
/// network (<see cref="ServerKeyFetcher"/>). One fetch per server runs at a time, and a server is asked at most once
/// per <see cref="RefetchInterval"/> ("Requesting servers should limit how frequently they query"), so a flood of
/// requests naming an unknown key id cannot make us flood its server.
/// </summary>
public sealed class ServerKeyResolver(LocalServerKeys local, ServerKeyFetcher fetcher, IServiceScopeFactory scopes, TimeProvider time)
    : IServerKeyResolver
{
    public static readonly TimeSpan RefetchInterval = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, IReadOnlyList<StoredServerKey>> memory = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> fetchLocks = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> lastFetch = new(StringComparer.Ordinal);

    public async Task<IReadOnlyDictionary<string, ServerVerifyKey>> GetVerifyKeysAsync(string serverName, IReadOnlyCollection<string> keyIds,
        long minimumValidUntilTs, CancellationToken ct)
    {
        if (serverName == local.ServerName) return Select(local.VerifyKeys(), keyIds);

        var known = await KnownAsync(serverName, ct);
        if (!Satisfied(known, keyIds, minimumValidUntilTs))
        {
            var gate = fetchLocks.GetOrAdd(serverName, _ => new SemaphoreSlim(1, 1));
            await gate.WaitAsync(ct);
            try
            {
                known = await KnownAsync(serverName, ct);
                var now = time.GetUtcNow().ToUnixTimeMilliseconds();
                if (!Satisfied(known, keyIds, minimumValidUntilTs)
                    && now - lastFetch.GetValueOrDefault(serverName, long.MinValue / 2) >= RefetchInterval.TotalMilliseconds)
                {
                    lastFetch[serverName] = now;
                    var responses = await fetcher.FetchAsync(serverName, keyIds, minimumValidUntilTs, ct);
                    if (responses.Count > 0) known = await StoreAsync(serverName, known, responses, now, ct);
                }
            }
            finally
            {
                gate.Release();
            }
        }

        var result = new Dictionary<string, ServerVerifyKey>(StringComparer.Ordinal);
        foreach (var key in known)
        {
            if (VerifyKey.TryParse(key.VerifyKey, out var verifyKey))
                result[key.KeyId] = new ServerVerifyKey(verifyKey, ServerKeysResponse.EffectiveValidUntil(key));
        }
        return Select(result, keyIds);
    }

    /// <summary>Every cached key of a server (memory first, then the database); used by the notary endpoints too.</summary>
    public async Task<IReadOnlyList<StoredServerKey>> KnownAsync(string serverName, CancellationToken ct)
    {
        if (memory.TryGetValue(serverName, out var cached)) return cached;
        await using var scope = scopes.CreateAsyncScope();
        var stored = await scope.ServiceProvider.GetRequiredService<IServerKeyStore>().GetKeysAsync(serverName, ct);
        memory[serverName] = stored;
        return stored;
    }

    /// <summary>Caches verified responses: newer answers replace older rows of the same key id.</summary>
    public async Task<IReadOnlyList<StoredServerKey>> StoreAsync(string serverName, IReadOnlyList<StoredServerKey> known,
        IReadOnlyList<ServerKeysResponse> responses, long fetchedTs, CancellationToken ct)
    {
        var rows = responses.OrderBy(r => r.ValidUntilTs).SelectMany(r => r.ToStored(fetchedTs))
            .GroupBy(k => k.KeyId).Select(g => g.Last()).ToList();
        await using (var scope = scopes.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<IServerKeyStore>().StoreKeysAsync(rows, ct);
        }
        var merged = known.Where(k => rows.All(r => r.KeyId != k.KeyId)).Concat(rows).ToList();
        memory[serverName] = merged;
        return merged;
    }

    private static bool Satisfied(IReadOnlyList<StoredServerKey> known, IReadOnlyCollection<string> keyIds, long minimumValidUntilTs)
    {
        if (keyIds.Count == 0) return known.Any(k => k.ExpiredTs is null && ServerKeysResponse.EffectiveValidUntil(k) >= minimumValidUntilTs);
        // An old key will never become valid for longer by asking again; a current key may.
        return keyIds.All(id => known.Any(k => k.KeyId == id && (k.ExpiredTs is not null || ServerKeysResponse.EffectiveValidUntil(k) >= minimumValidUntilTs)));
    }

    private static IReadOnlyDictionary<string, ServerVerifyKey> Select(IReadOnlyDictionary<string, ServerVerifyKey> keys, IReadOnlyCollection<string> keyIds) =>
        keyIds.Count == 0 ? keys : keys.Where(k => keyIds.Contains(k.Key)).ToDictionary(k => k.Key, k => k.Value, StringComparer.Ordinal);
}
