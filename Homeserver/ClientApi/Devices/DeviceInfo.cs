namespace Messenger.Homeserver.ClientApi.Devices;

/// <summary>A device as <c>GET /devices</c> shows it.</summary>
public sealed record DeviceInfo(string DeviceId, string? DisplayName, string? LastSeenIp, long? LastSeenTs);
