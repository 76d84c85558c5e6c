namespace Messenger.Homeserver.Storage.Rows;

/// <summary>
/// A device's fallback key for one algorithm (at most one each): handed out when no one-time key is left, never
/// deleted by a claim but marked <see cref="Used"/>, which drops it from <c>device_unused_fallback_key_types</c>.
/// </summary>
public sealed class FallbackKeyRow
{
    public required string UserId { get; set; }
    public required string DeviceId { get; set; }
    public required string Algorithm { get; set; }
    public required string KeyId { get; set; }
    public required string Json { get; set; }
    public bool Used { get; set; }
}
