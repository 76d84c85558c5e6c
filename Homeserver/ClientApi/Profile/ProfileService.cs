using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Identifiers;
using Messenger.Homeserver.Auth;
using Messenger.Homeserver.Configuration;
using Messenger.Homeserver.Errors;
using Messenger.Homeserver.Storage;

namespace Messenger.Homeserver.ClientApi.Profile;

/// <summary>
/// "Profiles": reading anyone's profile on this server, and changing one's own field by field. A new display name or
/// avatar also goes into the user's membership event in every room they are joined to (<see cref="ProfilePropagation"/>).
/// </summary>
public sealed class ProfileService(ProfileStore store, AccountStore accounts, ProfilePropagation propagation, UserDirectoryStore directory, HomeserverConfig config,
    FederationApi.RemoteQueries remote)
{
    /// <summary>GET /profile/{userId}: 404 for a user this server does not have; another server's user is asked of that server (<c>/query/profile</c>, cached briefly).</summary>
    public async Task<JsonObject> ProfileAsync(string userId, CancellationToken ct)
    {
        if (RemoteUser(userId) is { } user) return await remote.ProfileAsync(user, ct);
        var row = await FindAsync(userId, ct);
        return ProfileFields.ToJson(row);
    }

    /// <summary>GET /profile/{userId}/{keyName}: 404 when the user or the field does not exist.</summary>
    public async Task<JsonObject> FieldAsync(string userId, string key, CancellationToken ct)
    {
        ProfileFields.CheckKey(key);
        var profile = RemoteUser(userId) is { } user ? await remote.ProfileAsync(user, ct) : ProfileFields.ToJson(await FindAsync(userId, ct));
        if (!profile.TryGetPropertyValue(key, out var value)) throw MatrixError.NotFound("Profile field not found");
        return new JsonObject { [key] = value?.DeepClone() };
    }

    /// <summary>
    /// PUT /profile/{userId}/{keyName}: the body holds exactly the one property named by the key
    /// (missing: <c>M_MISSING_PARAM</c>; others beside it: <c>M_BAD_JSON</c>).
    /// </summary>
    public async Task SetFieldAsync(Requester requester, string userId, string key, JsonObject body, CancellationToken ct)
    {
        RequireSelf(requester, userId);
        ProfileFields.CheckKey(key);
        if (!body.TryGetPropertyValue(key, out var value)) throw MatrixError.MissingParam(key);
        if (body.Count != 1) throw MatrixError.BadJson($"The body must hold only {key}");
        await ChangeAsync(userId, key, value, remove: false, ct);
    }

    /// <summary>DELETE /profile/{userId}/{keyName}: removing a field that is not there is no error.</summary>
    public async Task DeleteFieldAsync(Requester requester, string userId, string key, CancellationToken ct)
    {
        RequireSelf(requester, userId);
        ProfileFields.CheckKey(key);
        await ChangeAsync(userId, key, null, remove: true, ct);
    }

    private async Task ChangeAsync(string userId, string key, JsonNode? value, bool remove, CancellationToken ct)
    {
        var before = await store.FindAsync(userId, ct);
        var after = await store.UpdateAsync(userId, row => ProfileFields.Apply(row, key, value, remove), ct);
        if (before?.DisplayName != after.DisplayName || before?.AvatarUrl != after.AvatarUrl)
        {
            // The user directory learns it directly too: the member events reach it only for users in some room.
            await directory.SetProfileAsync(userId, after.DisplayName, after.AvatarUrl, ct);
            await propagation.UpdateMemberEventsAsync(userId, after.DisplayName, after.AvatarUrl, ct);
        }
    }

    /// <summary>The user when valid and of another server, else null.</summary>
    private UserId? RemoteUser(string userId) =>
        UserId.TryParse(userId, out var id) && id.ServerName.ToString() != config.ServerName ? id : null;

    private async Task<Storage.Rows.ProfileRow> FindAsync(string userId, CancellationToken ct)
    {
        if (!UserId.TryParse(userId, out var id)) throw MatrixError.InvalidParam($"{userId} is not a valid user ID");
        if (id.ServerName.ToString() != config.ServerName) throw MatrixError.NotFound("Profile not found");
        var account = await accounts.FindAsync(userId, ct);
        if (account is null || account.IsDeactivated) throw MatrixError.NotFound("Profile not found");
        return await store.FindAsync(userId, ct) ?? new Storage.Rows.ProfileRow { UserId = userId };
    }

    private static void RequireSelf(Requester requester, string userId)
    {
        if (userId != requester.UserId) throw MatrixError.Forbidden("Cannot change the profile of another user");
    }
}
