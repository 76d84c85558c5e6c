namespace Messenger.Homeserver.Storage.Rows;

/// <summary>A client transaction id already used for sending ("Transaction identifiers"): a retry returns the same event.</summary>
public sealed class EventTxnRow
{
    public required string UserId { get; set; }
    public required string DeviceId { get; set; }
    public required string TxnId { get; set; }
    public required string EventId { get; set; }
    public long CreatedTs { get; set; }
}
