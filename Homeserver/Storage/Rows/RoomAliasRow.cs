namespace Messenger.Homeserver.Storage.Rows;

/// <summary>
/// A local room alias (<c>#name:our.server</c>) and the room it points to ("Room aliases"). Only aliases of this
/// server live here; other servers' aliases are resolved over federation (<c>/query/directory</c>).
/// </summary>
public sealed class RoomAliasRow
{
    public required string Alias { get; set; }
    public required string RoomId { get; set; }

    /// <summary>Who created it: they may delete it again even without power in the room (as Synapse).</summary>
    public required string Creator { get; set; }

    public long CreatedTs { get; set; }
}
