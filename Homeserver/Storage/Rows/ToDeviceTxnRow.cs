namespace Messenger.Homeserver.Storage.Rows;

/// <summary>
/// A transaction id a device already used for <c>/sendToDevice</c> ("Transaction identifiers"): a retry sends nothing
/// again. <see cref="Position"/> is the stream position the send took; these rows outlive the delivered (deleted)
/// messages, so the stream never restarts below a position a client has already seen in a sync token.
/// </summary>
public sealed class ToDeviceTxnRow
{
    public required string UserId { get; set; }
    public required string DeviceId { get; set; }
    public required string TxnId { get; set; }
    public long CreatedTs { get; set; }
    public long Position { get; set; }
}
