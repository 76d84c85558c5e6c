namespace Messenger.Homeserver.Storage.Rows;

/// <summary>A local user's global profile (display name and avatar).</summary>
public sealed class ProfileRow
{
    public required string UserId { get; set; }
    public string? DisplayName { get; set; }
    public string? AvatarUrl { get; set; }
}
