using Messenger.Homeserver.RoomServer;
using Messenger.Homeserver.Storage;

namespace Messenger.Homeserver.ClientApi.Keys;

/// <summary>
/// Runs a key-API write in one transaction on the event stream positions, as the event path does: positions are
/// allocated before the rows go in and finished after the commit (or the rollback), so sync never reads past a
/// position still being written. After the commit, everyone who must hear of it is woken: for a device list change
/// the user and everyone sharing a room with them, for a to-device message its recipients.
/// </summary>
public sealed class KeyStreamWriter(HomeserverDbContext db, StreamPositions positions, DatabaseWriteGate writeGate, EventNotifier notifier, DeviceListStore deviceLists)
{
    public async Task<T> RunAsync<T>(Func<KeyStreamWrite, Task<T>> work, CancellationToken ct)
    {
        var write = new KeyStreamWrite(positions, deviceLists);
        T result;
        using (await writeGate.EnterAsync(ct))
        {
            try
            {
                await using var transaction = await db.Database.BeginTransactionAsync(ct);
                result = await work(write);
                await db.SaveChangesAsync(ct);
                await transaction.CommitAsync(ct);
            }
            finally
            {
                db.ChangeTracker.Clear();
                foreach (var position in write.Allocated) positions.Finish(position);
            }
        }
        await WakeAsync(write, ct);
        return result;
    }

    public Task RunAsync(Func<KeyStreamWrite, Task> work, CancellationToken ct) =>
        RunAsync(async write =>
        {
            await work(write);
            return true;
        }, ct);

    private async Task WakeAsync(KeyStreamWrite write, CancellationToken ct)
    {
        var keys = new HashSet<string>(write.Woken, StringComparer.Ordinal);
        foreach (var userId in write.ChangedUsers) keys.UnionWith(await deviceLists.UsersSharingRoomAsync(userId, CancellationToken.None));
        if (keys.Count > 0) notifier.Notify(keys);
        _ = ct;
    }
}

/// <summary>What one <see cref="KeyStreamWriter"/> transaction did: the positions it took and whom to wake.</summary>
public sealed class KeyStreamWrite(StreamPositions positions, DeviceListStore deviceLists)
{
    internal List<long> Allocated { get; } = [];
    internal HashSet<string> ChangedUsers { get; } = new(StringComparer.Ordinal);
    private readonly HashSet<(string, string?)> changed = [];
    internal HashSet<string> Woken { get; } = new(StringComparer.Ordinal);

    /// <summary>A new stream position, finished when the transaction ends.</summary>
    public long NextPosition()
    {
        var position = positions.Allocate();
        Allocated.Add(position);
        return position;
    }

    /// <summary>
    /// Records that a user's device changed (its keys, signatures or name; added or deleted) or, with
    /// <paramref name="deviceId"/> null, their cross-signing keys: once per transaction per device, each at its own
    /// position (for a local user, the <c>stream_id</c> of the device list EDU that the federation sender makes of it).
    /// </summary>
    public void DeviceListChanged(string userId, string? deviceId)
    {
        ChangedUsers.Add(userId);
        if (!changed.Add((userId, deviceId))) return;
        deviceLists.AddChange(NextPosition(), userId, deviceId);
    }

    /// <summary>Wakes the user's long-polling syncs after the commit.</summary>
    public void Wake(string userId) => Woken.Add(userId);
}
