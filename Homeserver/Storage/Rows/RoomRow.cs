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

    /// <summary>
    /// The state group of the current state. With one forward extremity it is that event's state after; when several
    /// branches are open it is a group of their resolved state, which no single event carries. 0 in rooms persisted
    /// before this column existed: then the newest extremity's group is used.
    /// </summary>
    public long CurrentStateGroup { get; set; }
}
