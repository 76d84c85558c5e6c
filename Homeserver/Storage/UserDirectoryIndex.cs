using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Events;
using Messenger.Homeserver.Storage.Rows;
using Microsoft.EntityFrameworkCore;

namespace Messenger.Homeserver.Storage;

/// <summary>
/// Keeps <see cref="UserDirectoryRow"/> current. Writers: registration (<see cref="AccountStore.Add"/>), every persisted
/// join (<see cref="EventPersister"/>, in its transaction: a profile change reaches the index with the member events
/// it is propagated by) and profile changes (<see cref="UserDirectoryStore.SetProfileAsync"/>, also for users in no room).
/// </summary>
public static class UserDirectoryIndex
{
    public static UserDirectoryRow Entry(string userId, string? displayName, string? avatarUrl) => new()
    {
        UserId = userId, DisplayName = displayName, AvatarUrl = avatarUrl, SearchKey = SearchKeyOf(userId, displayName),
    };

    /// <summary>The folded form search terms and keys are compared in.</summary>
    public static string Fold(string text) => text.ToLowerInvariant();

    public static string SearchKeyOf(string userId, string? displayName) =>
        Fold(displayName is null ? userId : userId + " " + displayName);

    /// <summary>Records the profile a join event carries, in the unit of work.</summary>
    public static Task StageMemberAsync(HomeserverDbContext db, string userId, JsonObject content, CancellationToken ct)
    {
        if (content["membership"] is not JsonValue m || !m.TryGetValue(out string? membership) || membership != Membership.Join)
            return Task.CompletedTask;
        return StageProfileAsync(db, userId, Text(content["displayname"]), Text(content["avatar_url"]), ct);
    }

    /// <summary>Sets a user's directory entry in the unit of work (saved by the caller).</summary>
    public static async Task StageProfileAsync(HomeserverDbContext db, string userId, string? displayName, string? avatarUrl, CancellationToken ct)
    {
        var row = db.UserDirectory.Local.FirstOrDefault(r => r.UserId == userId)
            ?? await db.UserDirectory.TagWith("UserDirectoryIndex.Stage").FirstOrDefaultAsync(r => r.UserId == userId, ct);
        if (row is null)
        {
            db.UserDirectory.Add(Entry(userId, displayName, avatarUrl));
            return;
        }
        row.DisplayName = displayName;
        row.AvatarUrl = avatarUrl;
        row.SearchKey = SearchKeyOf(userId, displayName);
    }

    /// <summary>Entries for local users registered before this table existed, from their profiles. Run at start-up.</summary>
    public static async Task BackfillAsync(HomeserverDbContext db, CancellationToken ct)
    {
        var missing = await db.Profiles.TagWith("UserDirectoryIndex.Backfill").AsNoTracking()
            .Where(p => !db.UserDirectory.Any(u => u.UserId == p.UserId)).ToListAsync(ct);
        foreach (var profile in missing) db.UserDirectory.Add(Entry(profile.UserId, profile.DisplayName, profile.AvatarUrl));
        if (missing.Count > 0) await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
    }

    private static string? Text(JsonNode? node) =>
        node is JsonValue v && v.TryGetValue(out string? s) && s.Length > 0 ? s : null;
}
