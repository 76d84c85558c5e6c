namespace Messenger.Homeserver.RoomServer;

/// <summary>
/// The change caches of the sync streams (<see cref="StreamChangeCache"/>), one per kind of change, each recorded
/// where that change takes its stream position. Sync asks them before querying, so that a woken or empty
/// incremental sync reads only what changed. One per process.
/// </summary>
public sealed class StreamChanges(StreamPositions positions)
{
    /// <summary>Any event of a room (key: room id), from the event persister.</summary>
    public StreamChangeCache Events { get; } = new(positions);

    /// <summary>Member events of a room (key: room id): device list deltas depend on who joined or left.</summary>
    public StreamChangeCache RoomMembers { get; } = new(positions);

    /// <summary>A user's own membership (key: user id): their member events and current-state changes, state resets included.</summary>
    public StreamChangeCache Memberships { get; } = new(positions);

    /// <summary>A user's account data, global or per room (key: user id).</summary>
    public StreamChangeCache AccountData { get; } = new(positions);

    /// <summary>Receipts in a room (key: room id).</summary>
    public StreamChangeCache Receipts { get; } = new(positions);

    /// <summary>A user's push rules (key: user id).</summary>
    public StreamChangeCache PushRules { get; } = new(positions);

    /// <summary>Device list changes of anyone (one key, <see cref="AnyUser"/>): whose matters is decided by the query.</summary>
    public StreamChangeCache DeviceLists { get; } = new(positions);

    /// <summary>To-device messages for a device (key: <see cref="DeviceKey"/>).</summary>
    public StreamChangeCache ToDevice { get; } = new(positions);

    public const string AnyUser = "";

    public static string DeviceKey(string userId, string deviceId) => userId + "|" + deviceId;
}
