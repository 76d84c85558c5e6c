using System.Collections.Concurrent;
using Messenger.Homeserver.RoomServer;
using Messenger.Homeserver.Storage.Rows;

namespace Messenger.Homeserver.ClientApi.Sync;

/// <summary>
/// Per-user reads every sync needs and that rarely change, kept between requests: the user's memberships (current
/// state) and out-of-band memberships (remote invites, knocks and their leaves), the membership events they forgot, whom they ignore, and how far each device's delivered to-device messages
/// were deleted. Each entry remembers the stream position it was read at (<see cref="StreamPositions.Current"/> before
/// the read) and is used only while the matching <see cref="StreamChanges"/> cache says nothing changed since; the
/// forgotten rooms, which take no stream position, are dropped by <see cref="ForgetForgotten"/> instead. One per process.
/// </summary>
public sealed class SyncMemo(StreamChanges changes, StreamPositions positions)
{
    private const int MaxUsers = 50_000;

    private readonly ConcurrentDictionary<string, (List<CurrentStateRow> Rows, long ReadAt)> memberships = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (List<OutOfBandMembershipRow> Rows, long ReadAt)> outOfBand = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (IReadOnlySet<string> Users, long ReadAt)> ignored = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, HashSet<string>> forgotten = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> toDeviceDeletedThrough = new(StringComparer.Ordinal);
    private long forgottenGeneration;

    /// <summary>The change caches the memo trusts (also used by the sync parts that need no memo).</summary>
    public StreamChanges Changes => changes;

    /// <summary>The user's current memberships (every room with a member event for them); do not modify the list.</summary>
    public async Task<List<CurrentStateRow>> MembershipsAsync(string userId, Func<Task<List<CurrentStateRow>>> read)
    {
        if (memberships.TryGetValue(userId, out var known) && !changes.Memberships.MayHaveChanged(userId, known.ReadAt)) return known.Rows;
        var readAt = positions.Current;
        var rows = await read();
        Bound(memberships);
        memberships[userId] = (rows, readAt);
        return rows;
    }

    /// <summary>
    /// All the user's out-of-band memberships, whatever their position (callers keep those inside their window): each
    /// write records a change of the user's <see cref="StreamChanges.Memberships"/> before its position finishes. Do not
    /// modify the list or its rows.
    /// </summary>
    public async Task<List<OutOfBandMembershipRow>> OutOfBandAsync(string userId, Func<Task<List<OutOfBandMembershipRow>>> read)
    {
        if (outOfBand.TryGetValue(userId, out var known) && !changes.Memberships.MayHaveChanged(userId, known.ReadAt)) return known.Rows;
        var readAt = positions.Current;
        var rows = await read();
        Bound(outOfBand);
        outOfBand[userId] = (rows, readAt);
        return rows;
    }

    /// <summary>The users <paramref name="userId"/> ignores (account data <c>m.ignored_user_list</c>).</summary>
    public async Task<IReadOnlySet<string>> IgnoredAsync(string userId, Func<Task<IReadOnlySet<string>>> read)
    {
        if (ignored.TryGetValue(userId, out var known) && !changes.AccountData.MayHaveChanged(userId, known.ReadAt)) return known.Users;
        var readAt = positions.Current;
        var users = await read();
        Bound(ignored);
        ignored[userId] = (users, readAt);
        return users;
    }

    /// <summary>The membership events the user forgot.</summary>
    public async Task<HashSet<string>> ForgottenAsync(string userId, Func<Task<HashSet<string>>> read)
    {
        if (forgotten.TryGetValue(userId, out var known)) return known;
        var generation = Interlocked.Read(ref forgottenGeneration);
        var events = await read();
        lock (forgotten)
        {
            // A forget that happened during the read may be missing from it: keep nothing then.
            if (generation == forgottenGeneration)
            {
                Bound(forgotten);
                forgotten[userId] = events;
            }
        }
        return events;
    }

    /// <summary>Called when the user forgets a room (at the write and again at its commit).</summary>
    public void ForgetForgotten(string userId)
    {
        lock (forgotten)
        {
            forgottenGeneration++;
            forgotten.TryRemove(userId, out _);
        }
    }

    /// <summary>
    /// Whether the device's messages at or below <paramref name="through"/> may still be stored: false when they were
    /// deleted through some earlier position and no message for the device was added after that one.
    /// </summary>
    public bool MayHaveDeliveredToDelete(string userId, string deviceId, long through)
    {
        var key = StreamChanges.DeviceKey(userId, deviceId);
        return !toDeviceDeletedThrough.TryGetValue(key, out var deleted) || (through > deleted && changes.ToDevice.MayHaveChanged(key, deleted));
    }

    /// <summary>Records that the device's messages at or below <paramref name="through"/> were deleted.</summary>
    public void DeliveredDeleted(string userId, string deviceId, long through)
    {
        Bound(toDeviceDeletedThrough);
        toDeviceDeletedThrough.AddOrUpdate(StreamChanges.DeviceKey(userId, deviceId), through, (_, old) => Math.Max(old, through));
    }

    private static void Bound<TValue>(ConcurrentDictionary<string, TValue> entries)
    {
        if (entries.Count >= MaxUsers) entries.Clear();
    }
}
