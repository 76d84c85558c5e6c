namespace Messenger.Homeserver.Storage.Rows;

/// <summary>
/// What this server holds of a remote user's device list ("Device Management"): the <c>stream_id</c> of the last update
/// applied and the cross-signing keys (master and self-signing) as their server published them. The devices are
/// <see cref="RemoteDeviceRow"/>s. <see cref="Stale"/> marks a list that could not be resynced: it is not served until
/// a resync succeeds.
/// </summary>
public sealed class RemoteDeviceListRow
{
    public required string UserId { get; set; }
    public long StreamId { get; set; }
    public string? MasterKeyJson { get; set; }
    public string? SelfSigningKeyJson { get; set; }
    public bool Stale { get; set; }
    public long UpdatedTs { get; set; }
}
