using Messenger.Federation.Protocol.Events;
using Messenger.Homeserver.Storage.Rows;
using Microsoft.EntityFrameworkCore;

namespace Messenger.Homeserver.Storage;

/// <summary>Searches of the user directory; see <see cref="UserDirectoryIndex"/> for how entries are kept.</summary>
public sealed class UserDirectoryStore(HomeserverDbContext db)
{
    /// <summary>Records a local user's new global profile (profile changes; see <see cref="UserDirectoryIndex"/>).</summary>
    public async Task SetProfileAsync(string userId, string? displayName, string? avatarUrl, CancellationToken ct = default)
    {
        await UserDirectoryIndex.StageProfileAsync(db, userId, displayName, avatarUrl, ct);
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
    }

    /// <summary>Whether the user is a local account or has been seen joined to a room here.</summary>
    public Task<bool> IsKnownAsync(string userId, CancellationToken ct = default) =>
        db.UserDirectory.TagWith("UserDirectoryStore.IsKnown").AnyAsync(u => u.UserId == userId, ct);

    /// <summary>
    /// Up to <paramref name="limit"/> entries whose search key contains <paramref name="foldedTerm"/>, among the users
    /// <paramref name="searcher"/> may see ("User directory"): joined to a room the searcher is joined to, or to a room
    /// with a public join rule or world-readable history; with <paramref name="allLocalUsers"/>, every active local
    /// account too. Deactivated local accounts are never found. Users with a display name come first, then by user id.
    /// </summary>
    public Task<List<UserDirectoryRow>> SearchAsync(string searcher, string foldedTerm, int limit, bool allLocalUsers, CancellationToken ct = default)
    {
        var searcherRooms = db.CurrentState
            .Where(s => s.Type == EventTypes.Member && s.StateKey == searcher && s.Membership == Membership.Join).Select(s => s.RoomId);
        var openRooms = db.RoomSummaries
            .Where(r => r.JoinRule == "public" || r.HistoryVisibility == "world_readable").Select(r => r.RoomId);
        var visible = db.CurrentState
            .Where(s => s.Type == EventTypes.Member && s.Membership == Membership.Join
                && (searcherRooms.Contains(s.RoomId) || openRooms.Contains(s.RoomId)))
            .Select(s => s.StateKey);
        var deactivated = db.Users.Where(u => u.IsDeactivated).Select(u => u.UserId);
        var activeLocal = db.Users.Where(u => !u.IsDeactivated).Select(u => u.UserId);

        return db.UserDirectory.TagWith("UserDirectoryStore.Search").AsNoTracking()
            .Where(u => u.SearchKey.Contains(foldedTerm) && !deactivated.Contains(u.UserId)
                && (visible.Contains(u.UserId) || (allLocalUsers && activeLocal.Contains(u.UserId))))
            .OrderBy(u => u.DisplayName == null).ThenBy(u => u.UserId)
            .Take(limit).ToListAsync(ct);
    }
}
