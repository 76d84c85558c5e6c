namespace Messenger.Homeserver.Storage.Rows;

/// <summary>A device (a login session of a client) of a local user.</summary>
public sealed class DeviceRow
{
    public required string UserId { get; set; }
    public required string DeviceId { get; set; }
    public string? DisplayName { get; set; }
    public long CreatedTs { get; set; }
    public long? LastSeenTs { get; set; }
    public string? LastSeenIp { get; set; }
    public string? LastSeenUserAgent { get; set; }
}
