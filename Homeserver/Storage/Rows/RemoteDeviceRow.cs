namespace Messenger.Homeserver.Storage.Rows;

/// <summary>One device of a remote user as its server announced it: the signed device keys (if any) and the display name.</summary>
public sealed class RemoteDeviceRow
{
    public required string UserId { get; set; }
    public required string DeviceId { get; set; }
    public string? KeysJson { get; set; }
    public string? DisplayName { get; set; }
}
