using System.Text.Json;
using Messenger.Homeserver.Configuration;
using Messenger.Homeserver.Storage.Rows;
using Microsoft.EntityFrameworkCore;

namespace Messenger.Homeserver.Storage;

/// <summary>Device identity keys, one-time keys and fallback keys of local devices ("Key Distribution").</summary>
public sealed class DeviceKeyStore(HomeserverDbContext db, HomeserverConfig config, DeviceKeyMemo memo)
{
    public Task<DeviceKeysRow?> FindDeviceKeysAsync(string userId, string deviceId, CancellationToken ct = default) =>
        db.DeviceKeys.TagWith("DeviceKeyStore.FindDeviceKeys").AsNoTracking()
            .FirstOrDefaultAsync(k => k.UserId == userId && k.DeviceId == deviceId, ct);

    /// <summary>
    /// Device keys of existing devices of the given users (all devices when a user's list is empty), with each device's
    /// display name. Keys of a device that no longer exists are never returned.
    /// </summary>
    public async Task<List<(DeviceKeysRow Keys, string? DisplayName)>> QueryDeviceKeysAsync(
        IReadOnlyDictionary<string, IReadOnlyList<string>> devicesByUser, CancellationToken ct = default)
    {
        var users = devicesByUser.Keys.ToList();
        var rows = await db.DeviceKeys.TagWith("DeviceKeyStore.QueryDeviceKeys").AsNoTracking()
            .Where(k => users.Contains(k.UserId))
            .Join(db.Devices, k => new { k.UserId, k.DeviceId }, d => new { d.UserId, d.DeviceId }, (k, d) => new { Keys = k, d.DisplayName })
            .ToListAsync(ct);
        return rows
            .Where(r => devicesByUser[r.Keys.UserId] is not { Count: > 0 } wanted || wanted.Contains(r.Keys.DeviceId))
            .Select(r => (r.Keys, r.DisplayName)).ToList();
    }

    /// <summary>Inserts a device's first keys unless a concurrent upload stored them first (then false).</summary>
    public async Task<bool> TryAddDeviceKeysAsync(DeviceKeysRow row, CancellationToken ct = default) =>
        await db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO device_keys (user_id, device_id, created_ts, ed25519_key, json)
            VALUES ({row.UserId}, {row.DeviceId}, {row.CreatedTs}, {row.Ed25519Key}, {row.Json})
            ON CONFLICT DO NOTHING
            """, ct) == 1;

    public Task<int> ReplaceDeviceKeysJsonAsync(string userId, string deviceId, string json, CancellationToken ct = default) =>
        db.DeviceKeys.TagWith("DeviceKeyStore.ReplaceDeviceKeysJson").Where(k => k.UserId == userId && k.DeviceId == deviceId)
            .ExecuteUpdateAsync(s => s.SetProperty(k => k.Json, json), ct);

    /// <summary>The stored unclaimed one-time keys of a device among <paramref name="keyIds"/> (algorithm, key id) → JSON.</summary>
    public async Task<Dictionary<(string Algorithm, string KeyId), string>> ExistingOneTimeKeysAsync(
        string userId, string deviceId, IReadOnlyCollection<string> keyIds, CancellationToken ct = default)
    {
        var rows = await db.OneTimeKeys.TagWith("DeviceKeyStore.ExistingOneTimeKeys").AsNoTracking()
            .Where(k => k.UserId == userId && k.DeviceId == deviceId && keyIds.Contains(k.KeyId))
            .Select(k => new { k.Algorithm, k.KeyId, k.Json }).ToListAsync(ct);
        return rows.ToDictionary(r => (r.Algorithm, r.KeyId), r => r.Json);
    }

    /// <summary>Adds one-time keys (saved by the caller's transaction: the counts are invalidated again at its commit).</summary>
    public void AddOneTimeKeys(IReadOnlyCollection<OneTimeKeyRow> rows)
    {
        db.OneTimeKeys.AddRange(rows);
        foreach (var (userId, deviceId) in rows.Select(r => (r.UserId, r.DeviceId)).Distinct()) OneTimeKeysChanged(userId, deviceId);
    }

    /// <summary>Unclaimed one-time keys of a device per algorithm (from <see cref="DeviceKeyMemo"/> while no write of the device's keys intervened).</summary>
    public Task<IReadOnlyDictionary<string, int>> OneTimeKeyCountsAsync(string userId, string deviceId, CancellationToken ct = default) =>
        memo.OneTimeKeyCounts.GetAsync(DeviceKeyMemo.Key(userId, deviceId), async () =>
            (await db.OneTimeKeys.TagWith("DeviceKeyStore.OneTimeKeyCounts").AsNoTracking()
                .Where(k => k.UserId == userId && k.DeviceId == deviceId)
                .GroupBy(k => k.Algorithm).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct))
            .ToDictionary(g => g.Key, g => g.Count, StringComparer.Ordinal));

    public Task<FallbackKeyRow?> FindFallbackKeyAsync(string userId, string deviceId, string algorithm, CancellationToken ct = default) =>
        db.FallbackKeys.TagWith("DeviceKeyStore.FindFallbackKey")
            .FirstOrDefaultAsync(k => k.UserId == userId && k.DeviceId == deviceId && k.Algorithm == algorithm, ct);

    /// <summary>Adds a fallback key (saved by the caller's transaction: the types are invalidated again at its commit).</summary>
    public void AddFallbackKey(FallbackKeyRow row)
    {
        db.FallbackKeys.Add(row);
        FallbackKeysChanged(row.UserId, row.DeviceId);
    }

    /// <summary>Replaces a tracked fallback key (from <see cref="FindFallbackKeyAsync"/>) with a new, unused one; saved by the caller's transaction.</summary>
    public void ReplaceFallbackKey(FallbackKeyRow row, string keyId, string json)
    {
        row.KeyId = keyId;
        row.Json = json;
        row.Used = false;
        FallbackKeysChanged(row.UserId, row.DeviceId);
    }

    /// <summary>Algorithms for which the device has a fallback key no claim has handed out yet (from <see cref="DeviceKeyMemo"/> while unchanged).</summary>
    public Task<IReadOnlyList<string>> UnusedFallbackKeyTypesAsync(string userId, string deviceId, CancellationToken ct = default) =>
        memo.UnusedFallbackKeyTypes.GetAsync(DeviceKeyMemo.Key(userId, deviceId), async () =>
            await db.FallbackKeys.TagWith("DeviceKeyStore.UnusedFallbackKeyTypes").AsNoTracking()
                .Where(k => k.UserId == userId && k.DeviceId == deviceId && !k.Used)
                .OrderBy(k => k.Algorithm).Select(k => k.Algorithm).ToListAsync(ct));

    /// <summary>
    /// Takes the oldest one-time key of each (user, device, algorithm), deleting it in the statement that reads it, so
    /// that no two claims — in this process or another, on either database — can ever get the same key. On PostgreSQL
    /// one statement serves the whole request, and a row another claim has locked is skipped (that claim takes it);
    /// SQLite runs one writer at a time, and one statement serves the request there too (the request as a JSON array
    /// read by <c>json_each</c>).
    /// </summary>
    public async Task<List<ClaimedKey>> ClaimOneTimeKeysAsync(IReadOnlyList<(string UserId, string DeviceId, string Algorithm)> wanted, CancellationToken ct = default)
    {
        if (wanted.Count == 0) return [];
        var claimed = await ClaimOneTimeKeysCoreAsync(wanted, ct);
        foreach (var (userId, deviceId) in claimed.Select(k => (k.UserId, k.DeviceId)).Distinct()) OneTimeKeysChanged(userId, deviceId);
        return claimed;
    }

    private async Task<List<ClaimedKey>> ClaimOneTimeKeysCoreAsync(IReadOnlyList<(string UserId, string DeviceId, string Algorithm)> wanted, CancellationToken ct)
    {
        if (config.Database.Type == DatabaseConfig.Postgres)
        {
            var users = wanted.Select(w => w.UserId).ToArray();
            var devices = wanted.Select(w => w.DeviceId).ToArray();
            var algorithms = wanted.Select(w => w.Algorithm).ToArray();
            return await db.Database.SqlQuery<ClaimedKey>(
                $"""
                DELETE FROM one_time_keys WHERE id IN (
                    SELECT k.id FROM unnest({users}, {devices}, {algorithms}) AS r(u, d, a)
                    CROSS JOIN LATERAL (SELECT id FROM one_time_keys WHERE user_id = r.u AND device_id = r.d AND algorithm = r.a
                        ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED) AS k)
                RETURNING user_id AS "UserId", device_id AS "DeviceId", algorithm AS "Algorithm", key_id AS "KeyId", json AS "Json"
                """).ToListAsync(ct);
        }
        var requested = JsonSerializer.Serialize(wanted.Select(w => new[] { w.UserId, w.DeviceId, w.Algorithm }));
        return await db.Database.SqlQuery<ClaimedKey>(
            $"""
            DELETE FROM one_time_keys WHERE id IN (
                SELECT (SELECT k.id FROM one_time_keys AS k
                        WHERE k.user_id = json_extract(r.value, '$[0]') AND k.device_id = json_extract(r.value, '$[1]')
                            AND k.algorithm = json_extract(r.value, '$[2]')
                        ORDER BY k.id LIMIT 1)
                FROM json_each({requested}) AS r)
            RETURNING user_id AS "UserId", device_id AS "DeviceId", algorithm AS "Algorithm", key_id AS "KeyId", json AS "Json"
            """).ToListAsync(ct);
    }

    /// <summary>
    /// The fallback keys of the requested (user, device, algorithm)s, for the devices a claim found no one-time key for;
    /// those not handed out before are marked used. Two statements however many devices.
    /// </summary>
    public async Task<List<FallbackKeyRow>> TakeFallbackKeysAsync(IReadOnlyList<(string UserId, string DeviceId, string Algorithm)> wanted, CancellationToken ct = default)
    {
        if (wanted.Count == 0) return [];
        var users = wanted.Select(w => w.UserId).Distinct().ToList();
        var devices = wanted.Select(w => w.DeviceId).Distinct().ToList();
        var requested = wanted.ToHashSet();
        var found = (await db.FallbackKeys.TagWith("DeviceKeyStore.TakeFallbackKeys").AsNoTracking()
                .Where(k => users.Contains(k.UserId) && devices.Contains(k.DeviceId)).ToListAsync(ct))
            .Where(k => requested.Contains((k.UserId, k.DeviceId, k.Algorithm))).ToList();
        var unused = found.Where(k => !k.Used).ToList();
        if (unused.Count == 0) return found;
        if (config.Database.Type == DatabaseConfig.Postgres)
        {
            var u = unused.Select(k => k.UserId).ToArray();
            var d = unused.Select(k => k.DeviceId).ToArray();
            var a = unused.Select(k => k.Algorithm).ToArray();
            await db.Database.ExecuteSqlAsync(
                $"""
                UPDATE fallback_keys SET used = {true} FROM unnest({u}, {d}, {a}) AS r(u, d, a)
                WHERE user_id = r.u AND device_id = r.d AND algorithm = r.a
                """, ct);
        }
        else
        {
            var keys = JsonSerializer.Serialize(unused.Select(k => new[] { k.UserId, k.DeviceId, k.Algorithm }));
            await db.Database.ExecuteSqlAsync(
                $"""
                UPDATE fallback_keys SET used = {true} WHERE (user_id, device_id, algorithm) IN (
                    SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]') FROM json_each({keys}))
                """, ct);
        }
        foreach (var (userId, deviceId) in unused.Select(k => (k.UserId, k.DeviceId)).Distinct()) FallbackKeysChanged(userId, deviceId);
        return found;
    }

    /// <summary>Removes every key of the given devices (they were deleted): identity, one-time, fallback, signatures of them, their to-device inbox and a dehydrated device's data.</summary>
    public async Task DeleteDevicesAsync(string userId, IReadOnlyCollection<string> deviceIds, CancellationToken ct = default)
    {
        await db.DeviceKeys.TagWith("DeviceKeyStore.DeleteDevices keys").Where(k => k.UserId == userId && deviceIds.Contains(k.DeviceId)).ExecuteDeleteAsync(ct);
        await db.OneTimeKeys.TagWith("DeviceKeyStore.DeleteDevices otks").Where(k => k.UserId == userId && deviceIds.Contains(k.DeviceId)).ExecuteDeleteAsync(ct);
        await db.FallbackKeys.TagWith("DeviceKeyStore.DeleteDevices fallback").Where(k => k.UserId == userId && deviceIds.Contains(k.DeviceId)).ExecuteDeleteAsync(ct);
        await db.KeySignatures.TagWith("DeviceKeyStore.DeleteDevices signatures")
            .Where(s => s.TargetUserId == userId && deviceIds.Contains(s.TargetKeyId)).ExecuteDeleteAsync(ct);
        await db.ToDeviceMessages.TagWith("DeviceKeyStore.DeleteDevices inbox").Where(m => m.UserId == userId && deviceIds.Contains(m.DeviceId)).ExecuteDeleteAsync(ct);
        await db.DehydratedDevices.TagWith("DeviceKeyStore.DeleteDevices dehydrated").Where(d => d.UserId == userId && deviceIds.Contains(d.DeviceId)).ExecuteDeleteAsync(ct);
        foreach (var deviceId in deviceIds)
        {
            OneTimeKeysChanged(userId, deviceId);
            FallbackKeysChanged(userId, deviceId);
        }
    }

    public Task SaveAsync(CancellationToken ct = default) => db.SaveChangesAsync(ct);

    // Called after the write statement (or with the tracked change, inside the caller's transaction): at once and at commit.
    private void OneTimeKeysChanged(string userId, string deviceId) =>
        AfterCommit.Invalidate(db, () => memo.OneTimeKeyCounts.Invalidate(DeviceKeyMemo.Key(userId, deviceId)));

    private void FallbackKeysChanged(string userId, string deviceId) =>
        AfterCommit.Invalidate(db, () => memo.UnusedFallbackKeyTypes.Invalidate(DeviceKeyMemo.Key(userId, deviceId)));

    /// <summary>See <see cref="HomeserverDbContext.InTransactionAsync"/>.</summary>
    public Task InTransactionAsync(Func<Task> work, CancellationToken ct = default) => db.InTransactionAsync(work, ct);

}

/// <summary>A one-time key taken by a claim.</summary>
public sealed record ClaimedKey(string UserId, string DeviceId, string Algorithm, string KeyId, string Json);
