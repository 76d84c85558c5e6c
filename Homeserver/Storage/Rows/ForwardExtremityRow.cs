namespace Messenger.Homeserver.Storage.Rows;

/// <summary>An event of a room that no other event references yet: the <c>prev_events</c> of the next local event.</summary>
public sealed class ForwardExtremityRow
{
    public required string RoomId { get; set; }
    public required string EventId { get; set; }
}
