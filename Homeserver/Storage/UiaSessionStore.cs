using Messenger.Homeserver.Storage.Rows;
using Microsoft.EntityFrameworkCore;

namespace Messenger.Homeserver.Storage;

/// <summary>User-Interactive Authentication sessions and registration tokens.</summary>
public sealed class UiaSessionStore(HomeserverDbContext db)
{
    public Task<UiaSessionRow?> FindAsync(string sessionId, CancellationToken ct = default) =>
        db.UiaSessions.TagWith("UiaSessionStore.Find").FirstOrDefaultAsync(s => s.SessionId == sessionId, ct);

    public async Task<UiaSessionRow> CreateAsync(string sessionId, string operation, string? userId, long now, CancellationToken ct = default)
    {
        var row = new UiaSessionRow { SessionId = sessionId, Operation = operation, UserId = userId, CreatedTs = now };
        db.UiaSessions.Add(row);
        await db.SaveChangesAsync(ct);
        return row;
    }

    /// <summary>Saves changes to a session loaded with <see cref="FindAsync"/>.</summary>
    public Task SaveAsync(CancellationToken ct = default) => db.SaveChangesAsync(ct);

    public Task<int> DeleteAsync(string sessionId, CancellationToken ct = default) =>
        db.UiaSessions.TagWith("UiaSessionStore.Delete").Where(s => s.SessionId == sessionId).ExecuteDeleteAsync(ct);

    public Task<int> DeleteExpiredAsync(long createdBefore, CancellationToken ct = default) =>
        db.UiaSessions.TagWith("UiaSessionStore.DeleteExpired").Where(s => s.CreatedTs < createdBefore).ExecuteDeleteAsync(ct);

    public Task<RegistrationTokenRow?> FindTokenAsync(string token, CancellationToken ct = default) =>
        db.RegistrationTokens.TagWith("UiaSessionStore.FindToken").AsNoTracking().FirstOrDefaultAsync(t => t.Token == token, ct);

    /// <summary>Uses not yet completed: live sessions that validated the token (derived, so an abandoned session frees its use when it expires).</summary>
    public Task<int> CountPendingAsync(string token, long createdAfter, CancellationToken ct = default) =>
        db.UiaSessions.TagWith("UiaSessionStore.CountPending").CountAsync(s => s.RegistrationToken == token && s.CreatedTs >= createdAfter, ct);

    public Task<int> CompleteTokenUseAsync(string token, CancellationToken ct = default) =>
        db.RegistrationTokens.TagWith("UiaSessionStore.CompleteTokenUse").Where(t => t.Token == token)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.Completed, t => t.Completed + 1), ct);

    /// <summary>Makes the table hold the configured tokens (their limits from the file; use counts kept).</summary>
    public async Task SyncConfiguredTokensAsync(IEnumerable<(string Token, int? UsesAllowed, long? ExpiryTime)> tokens, CancellationToken ct = default)
    {
        foreach (var (token, usesAllowed, expiry) in tokens)
        {
            var row = await db.RegistrationTokens.FirstOrDefaultAsync(t => t.Token == token, ct);
            if (row is null) db.RegistrationTokens.Add(new RegistrationTokenRow { Token = token, UsesAllowed = usesAllowed, ExpiryTime = expiry });
            else
            {
                row.UsesAllowed = usesAllowed;
                row.ExpiryTime = expiry;
            }
        }
        await db.SaveChangesAsync(ct);
    }
}
