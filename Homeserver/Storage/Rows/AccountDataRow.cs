namespace Messenger.Homeserver.Storage.Rows;

/// <summary>
/// One account data event of a user ("Client Config"): global when <see cref="RoomId"/> is empty, else scoped to that
/// room (tags live here as <c>m.tag</c>, the fully read marker as <c>m.fully_read</c>). <see cref="Position"/> is the
/// event stream position of its last change, so sync sends only what changed since the client's token.
/// </summary>
public sealed class AccountDataRow
{
    public required string UserId { get; set; }
    public required string RoomId { get; set; }
    public required string Type { get; set; }

    /// <summary>The content object as JSON text.</summary>
    public required string Content { get; set; }

    public long Position { get; set; }
}
