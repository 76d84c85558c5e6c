namespace Messenger.Homeserver.Storage.Rows;

/// <summary>
/// Where a stored event stands (server-server API, "Checks performed on receipt of a PDU"). Only
/// <see cref="Timeline"/> events (and <see cref="Backfilled"/> history in <c>/messages</c>) reach clients; the others are kept because the federation protocol needs them
/// (as auth events, as prev events of later events, in answers to other servers), never shown.
/// </summary>
public enum EventKind
{
    /// <summary>Accepted and in the room's timeline: served to clients, a candidate forward extremity.</summary>
    Timeline = 0,

    /// <summary>Known without the state before it (auth chains and state from a join, fetched auth events): no state groups, no timeline.</summary>
    Outlier = 1,

    /// <summary>Passed the auth checks on its auth events and on the state before it, but not on the current state ("Soft failure").</summary>
    SoftFailed = 2,

    /// <summary>Failed the auth checks on its auth events or on the state before it ("Rejection"): never an auth event, never re-processed.</summary>
    Rejected = 3,

    /// <summary>
    /// Fetched with <c>/backfill</c> for history older than this server's first event in the room ("Backfilling"):
    /// checked and authorised against its own auth events, shown by <c>/messages</c> below the existing events, but
    /// never on the live stream (negated stream position), without state and never a forward extremity.
    /// </summary>
    Backfilled = 4,
}
