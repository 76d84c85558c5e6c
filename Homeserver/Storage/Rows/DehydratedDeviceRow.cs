namespace Messenger.Homeserver.Storage.Rows;

/// <summary>
/// A user's dehydrated device (MSC3814, at most one per user): a device without access token whose to-device messages
/// wait for a later login to rehydrate it. <see cref="DeviceDataJson"/> is the client's encrypted pickle, stored as sent.
/// </summary>
public sealed class DehydratedDeviceRow
{
    public required string UserId { get; set; }
    public required string DeviceId { get; set; }
    public required string DeviceDataJson { get; set; }
    public long CreatedTs { get; set; }
}
