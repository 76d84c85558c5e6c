namespace Messenger.Homeserver.Storage.Rows;

/// <summary>
/// The identity keys a device published with <c>/keys/upload</c> ("Device keys"): the signed object exactly as uploaded
/// (self-signature included), and its Ed25519 key, which verifies signatures the device makes.
/// </summary>
public sealed class DeviceKeysRow
{
    public required string UserId { get; set; }
    public required string DeviceId { get; set; }
    public required string Ed25519Key { get; set; }
    public required string Json { get; set; }
    public long CreatedTs { get; set; }
}
