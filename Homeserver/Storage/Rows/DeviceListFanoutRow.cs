namespace Messenger.Homeserver.Storage.Rows;

/// <summary>
/// The single row saying up to which stream position local device list changes have been queued as EDUs for other
/// servers. Advanced in the same save as the queued EDUs, so a crash neither loses nor repeats one.
/// </summary>
public sealed class DeviceListFanoutRow
{
    public int Id { get; set; }
    public long Position { get; set; }
}
