namespace Messenger.Homeserver.Storage;

/// <summary>
/// Work that must go with a device when it is deleted (logout, <c>DELETE /devices</c>, password change): run inside
/// the deleting transaction, so that the device and what belongs to it (its keys, its to-device inbox) go together.
/// </summary>
public interface IDeviceDeletionHook
{
    Task OnDevicesDeletingAsync(string userId, IReadOnlyCollection<string> deviceIds, CancellationToken ct);
}
