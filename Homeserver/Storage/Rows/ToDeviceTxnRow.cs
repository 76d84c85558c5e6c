namespace Messenger.Homeserver.Storage.Rows;

/// <summary>A transaction id a device already used for <c>/sendToDevice</c> ("Transaction identifiers"): a retry sends nothing again.</summary>
public sealed class ToDeviceTxnRow
{
    public required string UserId { get; set; }
    public required string DeviceId { get; set; }
    public required string TxnId { get; set; }
    public long CreatedTs { get; set; }
}
