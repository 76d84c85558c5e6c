namespace Messenger.Homeserver.Storage.Rows;

/// <summary>
/// A room a user forgot (<c>POST /rooms/{roomId}/forget</c>): the membership event they forgot, so that a later
/// membership (a new invite or join) is not hidden — forgetting applies to the membership it was made on, as in
/// Synapse, where a new membership event starts unforgotten.
/// </summary>
public sealed class ForgottenRoomRow
{
    public required string UserId { get; set; }
    public required string RoomId { get; set; }

    /// <summary>The user's leave or ban event at the time they forgot the room.</summary>
    public required string MembershipEventId { get; set; }

    /// <summary>Its stream position: membership events at or below it are forgotten, newer ones are not.</summary>
    public long StreamOrdering { get; set; }
}
