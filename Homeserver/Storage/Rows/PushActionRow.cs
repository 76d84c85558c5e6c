namespace Messenger.Homeserver.Storage.Rows;

/// <summary>
/// An event that notifies a user: the push rule actions it got (containing <c>notify</c>). Unread counts in sync and
/// <c>GET /notifications</c> both read these rows; receipts mark them read ("Receiving notifications",
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

    /// <summary>A receipt of the user covers this event.</summary>
    public bool Read { get; set; }

    /// <summary>When the notification was made (ms since the epoch).</summary>
    public long Ts { get; set; }
}
