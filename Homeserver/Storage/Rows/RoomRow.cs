namespace Messenger.Homeserver.Storage.Rows;

/// <summary>A room this server takes part in.</summary>
public sealed class RoomRow
{
    public required string RoomId { get; set; }
    public required string RoomVersion { get; set; }
    public required string Creator { get; set; }
    public long CreatedTs { get; set; }

    /// <summary>Listed in the public room directory (<c>visibility: public</c>).</summary>
    public bool IsPublic { get; set; }
}
