using Messenger.Homeserver.Auth;
using Messenger.Homeserver.Storage.Rows;
using Microsoft.EntityFrameworkCore;

namespace Messenger.Homeserver.Storage;

/// <summary>OpenID tokens: issued for an hour, answered only while unexpired; expired ones are swept when new ones are issued.</summary>
public sealed class OpenIdTokenStore(HomeserverDbContext db, TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    /// <summary>A new token for <paramref name="userId"/>; the caller hands it out once.</summary>
    public async Task<string> IssueAsync(string userId, CancellationToken ct)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await db.OpenIdTokens.TagWith("OpenIdTokens.Sweep").Where(t => t.ExpiresTs <= now).ExecuteDeleteAsync(ct);
        var token = SecretTokens.NewOpaqueId(32);
        db.OpenIdTokens.Add(new OpenIdTokenRow { TokenHash = SecretTokens.HashOf(token), UserId = userId, ExpiresTs = now + (long)Lifetime.TotalMilliseconds });
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        return token;
    }

    /// <summary>The user an unexpired token was issued to, or null.</summary>
    public async Task<string?> UserOfAsync(string token, CancellationToken ct)
    {
        var hash = SecretTokens.HashOf(token);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        return await db.OpenIdTokens.TagWith("OpenIdTokens.UserOf").AsNoTracking()
            .Where(t => t.TokenHash == hash && t.ExpiresTs > now).Select(t => t.UserId).FirstOrDefaultAsync(ct);
    }
}
