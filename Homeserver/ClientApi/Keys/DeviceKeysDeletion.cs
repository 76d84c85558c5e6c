using Messenger.Homeserver.RoomServer;
using Messenger.Homeserver.Storage;

namespace Messenger.Homeserver.ClientApi.Keys;

/// <summary>
/// Deleting a device deletes its keys, the signatures on it and its to-device inbox in the same transaction, and
/// records a device list change so that other users stop encrypting for it. The deleting transaction belongs to the
/// caller, so the change's stream position is finished (and the users woken) when the request scope ends — always
/// after that transaction committed or rolled back.
/// </summary>
public sealed class DeviceKeysDeletion(DeviceKeyStore keys, DeviceListStore deviceLists, StreamPositions positions, EventNotifier notifier)
    : IDeviceDeletionHook, IDisposable
{
    private readonly List<long> allocated = [];
    private readonly HashSet<string> woken = new(StringComparer.Ordinal);

    public async Task OnDevicesDeletingAsync(string userId, IReadOnlyCollection<string> deviceIds, CancellationToken ct)
    {
        if (deviceIds.Count == 0) return;
        await keys.DeleteDevicesAsync(userId, deviceIds, ct);
        foreach (var deviceId in deviceIds)
        {
            var position = positions.Allocate();
            lock (allocated) allocated.Add(position);
            deviceLists.AddChange(position, userId, deviceId);
        }
        await deviceLists.SaveAsync(ct);
        var sharing = await deviceLists.UsersSharingRoomAsync(userId, ct);
        lock (allocated) woken.UnionWith(sharing);
    }

    public void Dispose()
    {
        long[] finished;
        string[] wake;
        lock (allocated)
        {
            finished = [.. allocated];
            wake = [.. woken];
            allocated.Clear();
            woken.Clear();
        }
        foreach (var position in finished) positions.Finish(position);
        if (wake.Length > 0) notifier.Notify(wake);
    }
}
