using System.Text.Json.Nodes;
using Messenger.Federation.Ports;
using Messenger.Homeserver.Storage;

namespace Messenger.Homeserver.FederationApi;

/// <summary>Local profiles for federation profile queries, from the account store.</summary>
public sealed class ProfileDirectory(AccountStore accounts) : IProfileDirectory
{
    public async Task<JsonObject?> GetProfileAsync(string userId, CancellationToken ct)
    {
        var profile = await accounts.FindProfileAsync(userId, ct);
        if (profile is null) return null;
        var json = new JsonObject();
        if (profile.DisplayName is not null) json["displayname"] = profile.DisplayName;
        if (profile.AvatarUrl is not null) json["avatar_url"] = profile.AvatarUrl;
        return json;
    }
}
