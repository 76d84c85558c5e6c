namespace Messenger.Homeserver.Storage.Rows;

/// <summary>
/// A local user's membership in a room this server is not in: an invite another server asked us to sign ("Inviting to
/// a room"), a knock sent through a resident server ("Knocking upon a room"), or the leave that rejected or withdrew one
/// ("Leaving Rooms (Rejecting Invites)"). The event itself is stored as an outlier; this row gives it a place in the event
/// stream so /sync sees it, and keeps the stripped state that identifies the room. The room's own state, once this
/// server joins, supersedes it when newer (positions compare across both).
/// </summary>
public sealed class OutOfBandMembershipRow
{
    public required string RoomId { get; set; }
    public required string UserId { get; set; }
    public required string EventId { get; set; }

    /// <summary><c>invite</c>, <c>knock</c> or <c>leave</c>.</summary>
    public required string Membership { get; set; }

    public required string RoomVersion { get; set; }

    /// <summary>The server that took part: the inviter's, or the one the knock or leave went through. A join or leave goes through it.</summary>
    public required string Server { get; set; }

    /// <summary>Event stream position of the change (positive, from the one allocator).</summary>
    public long StreamOrdering { get; set; }

    /// <summary>The stripped state events (JSON array) shown with an invite or knock: <c>invite_state</c> / <c>knock_state</c>.</summary>
    public required string StrippedState { get; set; }
}
