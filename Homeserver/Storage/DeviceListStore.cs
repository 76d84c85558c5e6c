using Messenger.Federation.Protocol.Events;
using Messenger.Homeserver.Storage.Rows;
using Microsoft.EntityFrameworkCore;

namespace Messenger.Homeserver.Storage;

/// <summary>
/// Device list changes of local and remote users on the event stream positions, and the membership reads that decide who must
/// hear of them ("Tracking the device list for a user"): users who share a room now, or started or stopped sharing one.
/// </summary>
public sealed class DeviceListStore(HomeserverDbContext db, RoomServer.StreamChanges changes)
{
    /// <summary>
    /// Stages a change of <paramref name="userId"/>'s device <paramref name="deviceId"/> (null: the cross-signing keys)
    /// at <paramref name="position"/> (not yet finished).
    /// </summary>
    public void AddChange(long position, string userId, string? deviceId)
    {
        changes.DeviceLists.Changed(RoomServer.StreamChanges.AnyUser, position);
        db.DeviceListChanges.Add(new DeviceListChangeRow { Position = position, UserId = userId, DeviceId = deviceId });
    }

    /// <summary>The changes in (<paramref name="after"/>, <paramref name="upTo"/>], oldest first, at most <paramref name="limit"/>.</summary>
    public Task<List<DeviceListChangeRow>> ChangesAsync(long after, long upTo, int limit, CancellationToken ct = default) =>
        db.DeviceListChanges.TagWith("DeviceListStore.Changes").AsNoTracking()
            .Where(c => c.Position > after && c.Position <= upTo).OrderBy(c => c.Position).Take(limit).ToListAsync(ct);

    /// <summary>
    /// The position of the user's last device change before <paramref name="before"/> (all, when null): the
    /// <c>prev_id</c> of the next <c>m.device_list_update</c>, and the <c>stream_id</c> of <c>/user/devices</c>. 0 when none.
    /// </summary>
    public async Task<long> LastDeviceChangeAsync(string userId, long? before, CancellationToken ct = default) =>
        await db.DeviceListChanges.TagWith("DeviceListStore.LastDeviceChange").AsNoTracking()
            .Where(c => c.UserId == userId && c.DeviceId != null && (before == null || c.Position < before))
            .MaxAsync(c => (long?)c.Position, ct) ?? 0;

    public Task SaveAsync(CancellationToken ct = default) => db.SaveChangesAsync(ct);

    /// <summary>Users whose device list changed in the window (<paramref name="after"/>, <paramref name="upTo"/>].</summary>
    public Task<List<string>> ChangedUsersAsync(long after, long upTo, CancellationToken ct = default) =>
        db.DeviceListChanges.TagWith("DeviceListStore.ChangedUsers").AsNoTracking()
            .Where(c => c.Position > after && c.Position <= upTo).Select(c => c.UserId).Distinct().ToListAsync(ct);

    /// <summary>The rooms the user is joined to now.</summary>
    public Task<List<string>> JoinedRoomsAsync(string userId, CancellationToken ct = default) =>
        db.CurrentState.TagWith("DeviceListStore.JoinedRooms").AsNoTracking()
            .Where(s => s.Type == EventTypes.Member && s.StateKey == userId && s.Membership == Membership.Join)
            .Select(s => s.RoomId).ToListAsync(ct);

    /// <summary>The joined members of the given rooms now, as (room, user).</summary>
    public async Task<List<(string RoomId, string UserId)>> JoinedMembersAsync(IReadOnlyCollection<string> roomIds, CancellationToken ct = default) =>
        (await db.CurrentState.TagWith("DeviceListStore.JoinedMembers").AsNoTracking()
            .Where(s => roomIds.Contains(s.RoomId) && s.Type == EventTypes.Member && s.Membership == Membership.Join)
            .Select(s => new { s.RoomId, s.StateKey }).ToListAsync(ct))
        .Select(s => (s.RoomId, s.StateKey)).ToList();

    /// <summary>Everyone joined to a room the user is joined to, the user included.</summary>
    public async Task<HashSet<string>> UsersSharingRoomAsync(string userId, CancellationToken ct = default)
    {
        var rooms = await JoinedRoomsAsync(userId, ct);
        var members = await JoinedMembersAsync(rooms, ct);
        var users = members.Select(m => m.UserId).ToHashSet(StringComparer.Ordinal);
        users.Add(userId);
        return users;
    }

    /// <summary>
    /// Membership events in the window, oldest first, in <paramref name="roomIds"/> or about <paramref name="userId"/>:
    /// (room, member, membership).
    /// </summary>
    public async Task<List<(string RoomId, string UserId, string? Membership)>> MembershipEventsAsync(
        IReadOnlyCollection<string> roomIds, string userId, long after, long upTo, CancellationToken ct = default) =>
        (await db.Events.TagWith("DeviceListStore.MembershipEvents").AsNoTracking()
            .Where(e => e.Type == EventTypes.Member && e.StreamOrdering > after && e.StreamOrdering <= upTo
                && (roomIds.Contains(e.RoomId) || e.StateKey == userId))
            .OrderBy(e => e.StreamOrdering)
            .Select(e => new { e.RoomId, e.StateKey, e.Membership }).ToListAsync(ct))
        .Select(e => (e.RoomId, e.StateKey!, e.Membership)).ToList();

    /// <summary>The highest stream position the key tables ever took (device list changes and to-device sends).</summary>
    public async Task<long> MaxPositionAsync(CancellationToken ct = default)
    {
        var changes = await db.DeviceListChanges.TagWith("DeviceListStore.MaxPosition changes").MaxAsync(c => (long?)c.Position, ct) ?? 0;
        var sends = await db.ToDeviceTxns.TagWith("DeviceListStore.MaxPosition sends").MaxAsync(t => (long?)t.Position, ct) ?? 0;
        return Math.Max(changes, sends);
    }
}
