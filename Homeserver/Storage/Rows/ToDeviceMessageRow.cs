namespace Messenger.Homeserver.Storage.Rows;

/// <summary>
/// A send-to-device message waiting for one recipient device ("Send-to-Device messaging"). <see cref="Position"/> comes
/// from the event stream position space; the row is deleted once the device acknowledges a sync token past it.
/// </summary>
public sealed class ToDeviceMessageRow
{
    public required string UserId { get; set; }
    public required string DeviceId { get; set; }
    public long Position { get; set; }
    public required string Sender { get; set; }
    public required string Type { get; set; }
    public required string ContentJson { get; set; }
}
