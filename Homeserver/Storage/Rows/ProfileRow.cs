namespace Messenger.Homeserver.Storage.Rows;

/// <summary>A local user's global profile: display name, avatar and the extended profile fields ("Profiles").</summary>
public sealed class ProfileRow
{
    public required string UserId { get; set; }
    public string? DisplayName { get; set; }
    public string? AvatarUrl { get; set; }

    /// <summary>The other fields (<c>m.tz</c>, custom namespaced keys) as one JSON object's text; null when none.</summary>
    public string? Fields { get; set; }
}
