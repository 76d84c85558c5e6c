namespace Messenger.Homeserver.Storage.Rows;

/// <summary>
/// A persisted event: its exact JSON (as signed) plus the columns queries need. <see cref="StreamOrdering"/> is the
/// position in the one ordered event stream that sync, federation senders and application-service pushers read.
/// </summary>
public sealed class EventRow
{
    public required string EventId { get; set; }
    public required string RoomId { get; set; }
    public long StreamOrdering { get; set; }
    public long Depth { get; set; }
    public required string Type { get; set; }
    public string? StateKey { get; set; }
    public required string Sender { get; set; }
    public long OriginServerTs { get; set; }

    /// <summary>For <c>m.room.member</c>: the membership the event sets (join, invite, leave, ban, knock).</summary>
    public string? Membership { get; set; }

    /// <summary>The PDU JSON exactly as signed, without <c>unsigned</c>.</summary>
    public required string Json { get; set; }

    /// <summary>Room state before this event (a state group id).</summary>
    public long StateGroupBefore { get; set; }

    /// <summary>Room state after this event: differs from before only for accepted state events.</summary>
    public long StateGroupAfter { get; set; }

    /// <summary>For a state event: the event it replaced in the room state (clients get its content as <c>prev_content</c>).</summary>
    public string? ReplacesState { get; set; }

    /// <summary>The redaction that redacted this event, if any; clients are served the redacted form.</summary>
    public string? RedactedBy { get; set; }

    /// <summary>
    /// For <c>m.room.redaction</c>: the event it redacts. Kept even when that event is not known yet, so that the
    /// redaction takes effect when the target arrives later (back-filled history older than the redaction).
    /// </summary>
    public string? Redacts { get; set; }

    /// <summary>
    /// The parent of a well-formed <c>m.relates_to</c> (with <c>rel_type</c> and <c>event_id</c>) in the content
    /// ("Forming relationships between events"). Kept after a redaction; queries drop redacted children, since
    /// redaction strips <c>m.relates_to</c> and so breaks the relationship.
    /// </summary>
    public string? RelatesToId { get; set; }

    /// <summary>The <c>rel_type</c> of <see cref="RelatesToId"/>.</summary>
    public string? RelType { get; set; }

    /// <summary>
    /// The thread root for an event "in a thread" (receipts module, "Threaded read receipts"): an <c>m.thread</c>
    /// child, or an event relating to one (an edit or reaction in a thread). Null for the main timeline.
    /// </summary>
    public string? ThreadId { get; set; }

    /// <summary>
    /// Timeline, outlier, soft-failed or rejected. Events outside the timeline have a negative
    /// <see cref="StreamOrdering"/> (the negated position they were allocated), so no sync window ever holds them;
    /// queries that list a room's timeline by depth also filter on this.
    /// </summary>
    public EventKind Kind { get; set; }

    /// <summary>Why a <see cref="EventKind.Rejected"/> event was rejected (the auth rule), for operators.</summary>
    public string? RejectionReason { get; set; }
}
