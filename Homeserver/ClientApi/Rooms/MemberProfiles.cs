using System.Text.Json.Nodes;
using Messenger.Homeserver.Storage;

namespace Messenger.Homeserver.ClientApi.Rooms;

/// <summary>
/// The content of a membership event: the membership and, for local users, their current display name and avatar,
/// so a name set before the room existed appears on the join (as Synapse does, and clients rely on).
/// </summary>
public sealed class MemberProfiles(AccountStore accounts)
{
    public async Task<JsonObject> MembershipContentAsync(string userId, string membership, CancellationToken ct)
    {
        var content = new JsonObject { ["membership"] = membership };
        if (await accounts.FindProfileAsync(userId, ct) is { } profile)
        {
            if (profile.DisplayName is not null) content["displayname"] = profile.DisplayName;
            if (profile.AvatarUrl is not null) content["avatar_url"] = profile.AvatarUrl;
        }
        return content;
    }
}
