namespace Messenger.Homeserver.Storage.Rows;

/// <summary>
/// A user's receipt in a room ("Receipts"): one per receipt type and thread (<see cref="ThreadId"/> empty for an
/// unthreaded receipt, <c>main</c> or a thread root otherwise). <see cref="Position"/> is the event stream position of
/// its last change, for sync; <see cref="EventStreamOrdering"/> is where its event sits, so a receipt never moves back.
/// </summary>
public sealed class ReceiptRow
{
    public required string RoomId { get; set; }
    public required string ReceiptType { get; set; }
    public required string UserId { get; set; }
    public required string ThreadId { get; set; }
    public required string EventId { get; set; }
    public long EventStreamOrdering { get; set; }

    /// <summary>When the receipt was sent, milliseconds since the Unix epoch (<c>ts</c> in <c>m.receipt</c>).</summary>
    public long Ts { get; set; }

    public long Position { get; set; }
}
