using System.Text.Json.Nodes;
using Messenger.Homeserver.Auth;
using Messenger.Homeserver.Configuration;
using Messenger.Homeserver.Errors;
using Messenger.Homeserver.Storage;

namespace Messenger.Homeserver.ClientApi.Directories;

/// <summary>
/// <c>POST /user_directory/search</c> ("User directory"): case-insensitive substring search over user ids and display
/// names of the users the searcher may see (<see cref="UserDirectoryStore.SearchAsync"/>), or of every local user with
/// <c>user_directory.search_all_users</c>. Names come from a small index kept on registration and on every join event
/// (<see cref="UserDirectoryIndex"/>), so a profile change shows once it is propagated to the user's rooms.
/// </summary>
public sealed class UserDirectoryService(UserDirectoryStore store, HomeserverConfig config)
{
    /// <summary>The spec's default <c>limit</c>.</summary>
    public const int DefaultLimit = 10;

    /// <summary>No page is larger, whatever the client asks (as Synapse caps its search).</summary>
    public const int MaxLimit = 50;

    public async Task<JsonObject> SearchAsync(Requester requester, UserDirectorySearch request, CancellationToken ct)
    {
        if (request.SearchTerm is null) throw MatrixError.MissingParam("search_term");
        if (request.Limit is < 0) throw MatrixError.InvalidParam("limit must not be negative");
        var limit = Math.Min(request.Limit ?? DefaultLimit, MaxLimit);
        var term = UserDirectoryIndex.Fold(request.SearchTerm.Trim());
        if (!config.UserDirectory.Enabled || term.Length == 0 || limit == 0)
            return new JsonObject { ["results"] = new JsonArray(), ["limited"] = false };

        var rows = await store.SearchAsync(requester.UserId, term, limit + 1, config.UserDirectory.SearchAllUsers, ct);
        var results = new JsonArray();
        foreach (var row in rows.Take(limit))
        {
            var user = new JsonObject { ["user_id"] = row.UserId };
            if (row.DisplayName is not null) user["display_name"] = row.DisplayName;
            if (row.AvatarUrl is not null) user["avatar_url"] = row.AvatarUrl;
            results.Add(user);
        }
        return new JsonObject { ["results"] = results, ["limited"] = rows.Count > limit };
    }
}
