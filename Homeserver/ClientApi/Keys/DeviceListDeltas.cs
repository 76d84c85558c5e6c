using Messenger.Federation.Protocol.Events;
using Messenger.Homeserver.Storage;

namespace Messenger.Homeserver.ClientApi.Keys;

/// <summary>
/// Who a user must re-query or stop tracking over a stream window ("Tracking the device list for a user", "Extensions
/// to /sync"). <c>changed</c>: users sharing a room now whose devices or cross-signing keys changed in the window
/// (the user included), and users who started sharing a room in it (someone joined one of the user's rooms, or the
/// user joined a room). <c>left</c>: users who shared a room at some point and share none now (they left, or the user
/// did). As the spec allows, every room counts, not only encrypted ones.
/// </summary>
public sealed class DeviceListDeltas(DeviceListStore store)
{
    public async Task<DeviceListDelta> BetweenAsync(string userId, long after, long upTo, CancellationToken ct)
    {
        if (upTo <= after) return new DeviceListDelta([], []);
        var joinedNow = (await store.JoinedRoomsAsync(userId, ct)).ToHashSet(StringComparer.Ordinal);
        var events = await store.MembershipEventsAsync(joinedNow, userId, after, upTo, ct);
        var touchedRooms = joinedNow.Union(events.Where(e => e.UserId == userId).Select(e => e.RoomId)).ToList();
        var members = await store.JoinedMembersAsync(touchedRooms, ct);
        var sharing = members.Where(m => joinedNow.Contains(m.RoomId)).Select(m => m.UserId).ToHashSet(StringComparer.Ordinal);
        sharing.Add(userId);

        var changed = new HashSet<string>(StringComparer.Ordinal);
        var changedDevices = await store.ChangedUsersAsync(after, upTo, ct);
        foreach (var user in changedDevices)
        {
            if (sharing.Contains(user)) changed.Add(user);
        }

        var left = new HashSet<string>(StringComparer.Ordinal);
        var myLast = events.Where(e => e.UserId == userId).GroupBy(e => e.RoomId).ToDictionary(g => g.Key, g => g.Last().Membership);
        foreach (var (roomId, membership) in myLast)
        {
            var roomMembers = members.Where(m => m.RoomId == roomId).Select(m => m.UserId);
            if (membership == Membership.Join && joinedNow.Contains(roomId)) changed.UnionWith(roomMembers);
            else if (!joinedNow.Contains(roomId)) left.UnionWith(roomMembers.Where(u => !sharing.Contains(u)));
        }
        foreach (var (roomId, member, membership) in events)
        {
            if (member == userId) continue;
            if (membership == Membership.Join && joinedNow.Contains(roomId) && sharing.Contains(member)) changed.Add(member);
            else if (membership is Membership.Leave or Membership.Ban && !sharing.Contains(member)) left.Add(member);
        }

        // The user is in changed only for a change of their own devices, not for joining a room.
        if (!changedDevices.Contains(userId)) changed.Remove(userId);
        left.ExceptWith(sharing);
        left.Remove(userId);
        changed.ExceptWith(left);
        return new DeviceListDelta(changed.Order(StringComparer.Ordinal).ToList(), left.Order(StringComparer.Ordinal).ToList());
    }
}
