using Microsoft.Extensions.Configuration;

namespace Messenger.Homeserver.Configuration;

/// <summary>The <c>user_directory</c> section (Synapse's names).</summary>
public sealed class UserDirectoryConfig
{
    /// <summary>Whether <c>/user_directory/search</c> finds anyone. Default: true; false answers every search with no results, as Synapse.</summary>
    [ConfigurationKeyName("enabled")]
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Search every local user, not only those sharing a room with the searcher or in a public or world-readable room
    /// (the spec's minimum). Default: false, as Synapse: who is registered is not everybody's business.
    /// </summary>
    [ConfigurationKeyName("search_all_users")]
    public bool SearchAllUsers { get; set; }
}
