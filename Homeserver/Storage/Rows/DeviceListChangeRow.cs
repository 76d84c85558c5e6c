namespace Messenger.Homeserver.Storage.Rows;

/// <summary>
/// A user's devices, device keys or cross-signing keys changed at stream position <see cref="Position"/> (taken from
/// the one event stream position space), so that sync and <c>/keys/changes</c> can say who changed in a window. Local
/// users' changes are also what the federation sender turns into device list EDUs; remote users' come from theirs.
/// </summary>
public sealed class DeviceListChangeRow
{
    public long Position { get; set; }
    public required string UserId { get; set; }

    /// <summary>
    /// The device that was added, changed (keys, signatures, name) or deleted; null for a change of the cross-signing
    /// keys. For a local user the positions of its device changes are the <c>stream_id</c>s of its
    /// <c>m.device_list_update</c> EDUs ("Device Management").
    /// </summary>
    public string? DeviceId { get; set; }
}
