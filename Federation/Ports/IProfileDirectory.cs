using System.Text.Json.Nodes;

namespace Messenger.Federation.Ports;

/// <summary>Local users' public profiles, for <c>GET /_matrix/federation/v1/query/profile</c>. The homeserver implements it.</summary>
public interface IProfileDirectory
{
    /// <summary>The public profile fields of a local user (<c>displayname</c>, <c>avatar_url</c>, ...), or null when there is no such user.</summary>
    Task<JsonObject?> GetProfileAsync(string userId, CancellationToken ct);
}
