namespace Messenger.Homeserver.Storage.Rows;

/// <summary>
/// An event that notifies a user: the push rule actions it got (containing <c>notify</c>), listed by
/// <c>GET /notifications</c> and delivered to pushers. Written once, never updated: whether it is read follows from the
/// user's read marks and its unread counts are kept in <see cref="PushSummaryRow"/> ("Receiving notifications",
/// "Marking notifications as read"). <see cref="ThreadId"/> partitions the counts per thread (null: main timeline).
/// </summary>
public sealed class PushActionRow
{
    public required string UserId { get; set; }
    public required string EventId { get; set; }
    public required string RoomId { get; set; }
    public long StreamOrdering { get; set; }
    public string? ThreadId { get; set; }

    /// <summary>The actions as a JSON array, as given to the push gateway and in <c>/notifications</c>.</summary>
    public required string ActionsJson { get; set; }

    /// <summary>The <c>highlight</c> tweak was set (true or without value).</summary>
    public bool Highlight { get; set; }

    /// <summary>When the notification was made (ms since the epoch).</summary>
    public long Ts { get; set; }
}
