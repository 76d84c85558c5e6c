namespace Messenger.Homeserver.Storage.Rows;

/// <summary>
/// A user's unread notifications in one thread of a room, kept up to date as notifications are stored and as the user
/// reads ("Receiving notifications", "Marking notifications as read", "Threaded read receipts"): sync reads these
/// few rows instead of counting the notifications, and a receipt moves <see cref="ReadUpTo"/> instead of rewriting
/// every notification it covers. <see cref="ThreadId"/>: <c>main</c> for the main timeline, a thread's root, or
/// <see cref="Unthreaded"/> for the row that only holds the room-wide mark of unthreaded receipts (its counts stay 0).
/// </summary>
public sealed class PushSummaryRow
{
    /// <summary>The thread id of the row holding the room-wide read mark (unthreaded receipts cover every thread).</summary>
    public const string Unthreaded = "";

    public required string UserId { get; set; }
    public required string RoomId { get; set; }
    public required string ThreadId { get; set; }

    /// <summary>Notifications of this thread after both read marks (this row's and the room-wide one).</summary>
    public int NotificationCount { get; set; }

    /// <summary>Of those, the ones with the <c>highlight</c> tweak.</summary>
    public int HighlightCount { get; set; }

    /// <summary>Stream position read up to (inclusive) in this thread; marks never go back.</summary>
    public long ReadUpTo { get; set; }
}
