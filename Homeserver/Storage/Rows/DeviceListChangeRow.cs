namespace Messenger.Homeserver.Storage.Rows;

/// <summary>
/// A local user's devices, device keys or cross-signing keys changed at stream position <see cref="Position"/> (taken
/// from the one event stream position space), so that sync and <c>/keys/changes</c> can say who changed in a window.
/// </summary>
public sealed class DeviceListChangeRow
{
    public long Position { get; set; }
    public required string UserId { get; set; }
}
