namespace Messenger.Homeserver.Storage.Rows;

/// <summary>
/// A user the user directory can find ("User directory"): the newest display name and avatar seen for them (their
/// profile at registration, then every join event, which carries the profile), with a case-folded search key. The key
/// is folded here rather than in SQL because SQLite's <c>lower()</c> folds ASCII only and names are often Cyrillic.
/// Who may see the user is decided at query time from room membership, never stored here.
/// </summary>
public sealed class UserDirectoryRow
{
    public required string UserId { get; set; }
    public string? DisplayName { get; set; }
    public string? AvatarUrl { get; set; }

    /// <summary><see cref="UserId"/> and <see cref="DisplayName"/>, lower-cased (invariant culture), space-separated.</summary>
    public required string SearchKey { get; set; }
}
