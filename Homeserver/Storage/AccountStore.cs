using Messenger.Homeserver.Storage.Rows;
using Microsoft.EntityFrameworkCore;

namespace Messenger.Homeserver.Storage;

/// <summary>Local accounts and their profiles.</summary>
public sealed class AccountStore(HomeserverDbContext db)
{
    public Task<UserRow?> FindAsync(string userId, CancellationToken ct = default) =>
        db.Users.TagWith("AccountStore.Find").AsNoTracking().FirstOrDefaultAsync(u => u.UserId == userId, ct);

    public Task<bool> ExistsAsync(string userId, CancellationToken ct = default) =>
        db.Users.TagWith("AccountStore.Exists").AnyAsync(u => u.UserId == userId, ct);

    /// <summary>Stages a new account with its profile (and its user directory entry); committed by the caller's <see cref="DbContext.SaveChangesAsync(CancellationToken)"/>.</summary>
    public void Add(UserRow user, ProfileRow profile)
    {
        db.Users.Add(user);
        db.Profiles.Add(profile);
        db.UserDirectory.Add(UserDirectoryIndex.Entry(user.UserId, profile.DisplayName, profile.AvatarUrl));
    }

    public Task<int> SetPasswordHashAsync(string userId, string? hash, CancellationToken ct = default) =>
        db.Users.TagWith("AccountStore.SetPasswordHash").Where(u => u.UserId == userId)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.PasswordHash, hash), ct);

    /// <summary>Marks the account deactivated and removes its password: it can never log in again.</summary>
    public Task<int> DeactivateAsync(string userId, CancellationToken ct = default) =>
        db.Users.TagWith("AccountStore.Deactivate").Where(u => u.UserId == userId)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.IsDeactivated, true).SetProperty(u => u.PasswordHash, (string?)null), ct);

    public Task<ProfileRow?> FindProfileAsync(string userId, CancellationToken ct = default) =>
        db.Profiles.TagWith("AccountStore.FindProfile").AsNoTracking().FirstOrDefaultAsync(p => p.UserId == userId, ct);
}
