using Messenger.Federation.Ports;
using Messenger.Homeserver.Storage.Rows;
using Microsoft.EntityFrameworkCore;

namespace Messenger.Homeserver.Storage;

/// <summary>The database cache of remote servers' signing keys behind Federation's <see cref="IServerKeyStore"/>.</summary>
public sealed class ServerKeyStore(HomeserverDbContext db) : IServerKeyStore
{
    public async Task<IReadOnlyList<StoredServerKey>> GetKeysAsync(string serverName, CancellationToken ct) =>
        await db.ServerKeys.TagWith("ServerKeyStore.Get").AsNoTracking().Where(k => k.ServerName == serverName)
            .Select(k => new StoredServerKey(k.ServerName, k.KeyId, k.VerifyKey, k.ValidUntilTs, k.ExpiredTs, k.FetchedTs, k.ResponseJson))
            .ToListAsync(ct);

    public async Task StoreKeysAsync(IReadOnlyList<StoredServerKey> keys, CancellationToken ct)
    {
        if (keys.Count == 0) return;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await db.InTransactionAsync(async () =>
                {
                    foreach (var server in keys.GroupBy(k => k.ServerName))
                    {
                        var ids = server.Select(k => k.KeyId).ToList();
                        var existing = await db.ServerKeys.TagWith("ServerKeyStore.Existing")
                            .Where(k => k.ServerName == server.Key && ids.Contains(k.KeyId)).ToDictionaryAsync(k => k.KeyId, ct);
                        foreach (var key in server)
                        {
                            if (!existing.TryGetValue(key.KeyId, out var row))
                            {
                                row = new ServerKeyRow { ServerName = key.ServerName, KeyId = key.KeyId, VerifyKey = key.VerifyKey, ResponseJson = key.ResponseJson };
                                db.ServerKeys.Add(row);
                            }
                            row.VerifyKey = key.VerifyKey;
                            row.ValidUntilTs = key.ValidUntilTs;
                            row.ExpiredTs = key.ExpiredTs;
                            row.FetchedTs = key.FetchedTs;
                            row.ResponseJson = key.ResponseJson;
                        }
                    }
                    await db.SaveChangesAsync(ct);
                }, ct);
                return;
            }
            catch (DbUpdateException) when (attempt < 3)
            {
                // Another process stored the same key at the same moment; read it back and overwrite.
                db.ChangeTracker.Clear();
            }
        }
    }
}
