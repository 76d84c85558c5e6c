using Messenger.Homeserver.Storage.Rows;
using Microsoft.EntityFrameworkCore;

namespace Messenger.Homeserver.Storage;

/// <summary>Local users' profiles. Rows are made at registration; changes edit them in one transaction.</summary>
public sealed class ProfileStore(HomeserverDbContext db)
{
    public Task<ProfileRow?> FindAsync(string userId, CancellationToken ct) =>
        db.Profiles.TagWith("ProfileStore.Find").AsNoTracking().FirstOrDefaultAsync(p => p.UserId == userId, ct);

    /// <summary>
    /// Edits the user's profile (made if missing) and saves it; <paramref name="change"/> may throw to store nothing.
    /// Returns the profile as saved.
    /// </summary>
    public async Task<ProfileRow> UpdateAsync(string userId, Action<ProfileRow> change, CancellationToken ct)
    {
        try
        {
            var row = await db.Profiles.TagWith("ProfileStore.Update").FirstOrDefaultAsync(p => p.UserId == userId, ct);
            if (row is null) db.Profiles.Add(row = new ProfileRow { UserId = userId });
            change(row);
            await db.SaveChangesAsync(ct);
            return row;
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }
}
