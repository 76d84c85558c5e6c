using Messenger.Homeserver.Storage.Rows;
using Microsoft.EntityFrameworkCore;

namespace Messenger.Homeserver.Storage;

/// <summary>Devices of local users and the access and refresh tokens that belong to them.</summary>
public sealed class DeviceStore(HomeserverDbContext db, IEnumerable<IDeviceDeletionHook> deletionHooks, Auth.AccessTokenCache tokenCache)
{
    public Task<List<DeviceRow>> ListAsync(string userId, CancellationToken ct = default) =>
        db.Devices.TagWith("DeviceStore.List").AsNoTracking().Where(d => d.UserId == userId).OrderBy(d => d.DeviceId).ToListAsync(ct);

    public Task<DeviceRow?> FindAsync(string userId, string deviceId, CancellationToken ct = default) =>
        db.Devices.TagWith("DeviceStore.Find").AsNoTracking().FirstOrDefaultAsync(d => d.UserId == userId && d.DeviceId == deviceId, ct);

    /// <summary>Stages the device unless it exists (login with a known <c>device_id</c> reuses the device).</summary>
    public async Task EnsureAsync(string userId, string deviceId, string? displayName, long now, CancellationToken ct = default)
    {
        var exists = await db.Devices.TagWith("DeviceStore.Ensure").AnyAsync(d => d.UserId == userId && d.DeviceId == deviceId, ct);
        if (!exists)
        {
            db.Devices.Add(new DeviceRow { UserId = userId, DeviceId = deviceId, DisplayName = displayName, CreatedTs = now });
        }
    }

    public Task<int> SetDisplayNameAsync(string userId, string deviceId, string? displayName, CancellationToken ct = default) =>
        db.Devices.TagWith("DeviceStore.SetDisplayName").Where(d => d.UserId == userId && d.DeviceId == deviceId)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.DisplayName, displayName), ct);

    public Task<int> TouchAsync(string userId, string deviceId, long now, string? ip, string? userAgent, CancellationToken ct = default) =>
        db.Devices.TagWith("DeviceStore.Touch").Where(d => d.UserId == userId && d.DeviceId == deviceId)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.LastSeenTs, now).SetProperty(d => d.LastSeenIp, ip)
                .SetProperty(d => d.LastSeenUserAgent, userAgent), ct);

    /// <summary>
    /// Deletes devices, every token they hold and whatever the <see cref="IDeviceDeletionHook"/>s remove with them,
    /// atomically (joining the caller's transaction if there is one).
    /// </summary>
    public Task DeleteAsync(string userId, IReadOnlyCollection<string> deviceIds, CancellationToken ct = default) =>
        db.InTransactionAsync(async () =>
        {
            foreach (var hook in deletionHooks) await hook.OnDevicesDeletingAsync(userId, deviceIds, ct);
            await db.AccessTokens.TagWith("DeviceStore.Delete tokens").Where(t => t.UserId == userId && deviceIds.Contains(t.DeviceId)).ExecuteDeleteAsync(ct);
            AfterCommit.Invalidate(db, tokenCache.Invalidate);
            await db.RefreshTokens.TagWith("DeviceStore.Delete refresh").Where(t => t.UserId == userId && deviceIds.Contains(t.DeviceId)).ExecuteDeleteAsync(ct);
            await db.Devices.TagWith("DeviceStore.Delete devices").Where(d => d.UserId == userId && deviceIds.Contains(d.DeviceId)).ExecuteDeleteAsync(ct);
        }, ct);

    /// <summary>The ids of all devices of a user except <paramref name="keep"/>.</summary>
    public Task<List<string>> ListIdsExceptAsync(string userId, string? keep, CancellationToken ct = default) =>
        db.Devices.TagWith("DeviceStore.ListIdsExcept").Where(d => d.UserId == userId && d.DeviceId != keep).Select(d => d.DeviceId).ToListAsync(ct);

    public void AddAccessToken(AccessTokenRow row) => db.AccessTokens.Add(row);
    public void AddRefreshToken(RefreshTokenRow row) => db.RefreshTokens.Add(row);

    public Task<AccessTokenRow?> FindAccessTokenAsync(byte[] hash, CancellationToken ct = default) =>
        db.AccessTokens.TagWith("DeviceStore.FindAccessToken").AsNoTracking().FirstOrDefaultAsync(t => t.TokenHash == hash, ct);

    public Task<RefreshTokenRow?> FindRefreshTokenAsync(byte[] hash, CancellationToken ct = default) =>
        db.RefreshTokens.TagWith("DeviceStore.FindRefreshToken").FirstOrDefaultAsync(t => t.TokenHash == hash, ct);

    /// <summary>
    /// First use of an access token: marks it used and, if it came from a refresh, revokes the refresh token it
    /// replaced (spec "Refreshing access tokens": the old refresh token lives until the new pair is used).
    /// </summary>
    public async Task MarkUsedAsync(AccessTokenRow token, CancellationToken ct = default)
    {
        await db.AccessTokens.TagWith("DeviceStore.MarkUsed").Where(t => t.Id == token.Id).ExecuteUpdateAsync(s => s.SetProperty(t => t.Used, true), ct);
        if (token.RefreshTokenId is { } refreshId)
        {
            await db.RefreshTokens.TagWith("DeviceStore.RevokeReplaced").Where(t => t.NextTokenId == refreshId).ExecuteDeleteAsync(ct);
        }
    }

    /// <summary>Revokes a refresh token and the access tokens issued with it (an unused refreshed pair being replaced).</summary>
    public async Task DeleteRefreshChainAsync(long refreshTokenId, CancellationToken ct = default)
    {
        await db.AccessTokens.TagWith("DeviceStore.DeleteRefreshChain access").Where(t => t.RefreshTokenId == refreshTokenId).ExecuteDeleteAsync(ct);
        AfterCommit.Invalidate(db, tokenCache.Invalidate);
        await db.RefreshTokens.TagWith("DeviceStore.DeleteRefreshChain refresh").Where(t => t.Id == refreshTokenId).ExecuteDeleteAsync(ct);
    }

    /// <summary>Expired tokens are refused whether cached or not, so deleting them needs no cache invalidation.</summary>
    public Task<int> DeleteExpiredAccessTokensAsync(long expiredBefore, CancellationToken ct = default) =>
        db.AccessTokens.TagWith("DeviceStore.DeleteExpiredAccessTokens").Where(t => t.ExpiresTs != null && t.ExpiresTs < expiredBefore).ExecuteDeleteAsync(ct);

    public Task SaveAsync(CancellationToken ct = default) => db.SaveChangesAsync(ct);

    /// <summary>See <see cref="HomeserverDbContext.InTransactionAsync"/>.</summary>
    public Task InTransactionAsync(Func<Task> work, CancellationToken ct = default) => db.InTransactionAsync(work, ct);
}
