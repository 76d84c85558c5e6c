using Messenger.Federation.Http;
using Messenger.Federation.Protocol.Events;
using Messenger.Federation.Protocol.Identifiers;
using Messenger.Homeserver.Configuration;
using Messenger.Homeserver.RoomServer;
using Messenger.Homeserver.Storage;

namespace Messenger.Homeserver.FederationApi.Edus;

/// <summary>
/// Who takes part in the EDUs of a room. Outbound: the other servers with a joined member (typing, receipts), or
/// sharing any joined room with a user (presence: "Servers should only send presence updates for users that the
/// receiving server would be interested in"). Inbound: whether an EDU's user belongs to its origin, the origin is not
/// denied by the room's server ACL, and the user is joined ("Receiving servers should verify that the user is in the
/// room, and is a user belonging to the sending server").
/// </summary>
public sealed class EduAudience(RoomStore rooms, FederationRoomAccess access, HomeserverConfig config, JoinedMembers members)
{
    public bool IsLocal(string userId) => ServerOf(userId) == config.ServerName;

    /// <summary>The other servers with a member joined to the room now.</summary>
    public async Task<List<string>> ServersInRoomAsync(string roomId, CancellationToken ct) =>
        [.. OtherServers(await JoinedAsync(roomId, ct))];

    /// <summary>
    /// The other servers with a member in some room the user is joined to: one read of the user's rooms, their members
    /// from <see cref="JoinedMembers"/> (kept current by every membership change), so a server that just joined is in.
    /// </summary>
    public async Task<List<string>> ServersSharingRoomsAsync(string userId, CancellationToken ct)
    {
        var servers = new HashSet<string>(StringComparer.Ordinal);
        foreach (var roomId in await rooms.RoomsWithMembershipAsync(userId, Membership.Join, ct)) servers.UnionWith(OtherServers(await JoinedAsync(roomId, ct)));
        return [.. servers];
    }

    /// <summary>True when <paramref name="origin"/> owns the user, its ACL allows it in the room and the user is joined there.</summary>
    public async Task<bool> MayActInRoomAsync(string origin, string roomId, string userId, CancellationToken ct) =>
        ServerOf(userId) == origin && await AclAllowsAsync(origin, roomId, ct)
        && (await JoinedAsync(roomId, ct)).Contains(userId);

    /// <summary>True when the room is known here and its server ACL does not deny <paramref name="origin"/>.</summary>
    public async Task<bool> AclAllowsAsync(string origin, string roomId, CancellationToken ct)
    {
        try
        {
            return await access.RoomAsync(origin, roomId, ct) is not null;
        }
        catch (FederationException)
        {
            return false;
        }
    }

    /// <summary>True when a user of <paramref name="origin"/> shares a joined room with one of our users.</summary>
    public async Task<bool> IsKnownRemoteAsync(string origin, string userId, CancellationToken ct) =>
        ServerOf(userId) == origin && origin != config.ServerName && await SharesRoomWithLocalUserAsync(userId, ct);

    /// <summary>
    /// True when the user is joined to a room where one of our users is joined too. A room all our users left still
    /// lists its remote members as they were, but nothing of it reaches us any more, so it does not count.
    /// </summary>
    public async Task<bool> SharesRoomWithLocalUserAsync(string userId, CancellationToken ct)
    {
        foreach (var roomId in await rooms.RoomsWithMembershipAsync(userId, Membership.Join, ct))
        {
            if ((await JoinedAsync(roomId, ct)).Any(IsLocal)) return true;
        }
        return false;
    }

    private Task<System.Collections.Immutable.ImmutableHashSet<string>> JoinedAsync(string roomId, CancellationToken ct) =>
        members.GetAsync(roomId, c => rooms.MembersAsync(roomId, Membership.Join, c), ct);

    /// <summary>
    /// The other servers among a room's joined members, worked out once per member set: <see cref="JoinedMembers"/> hands
    /// out the same immutable set until the members change, so 1,000 users of one room coming online parse its 1,000
    /// member ids once, not once each.
    /// </summary>
    private string[] OtherServers(System.Collections.Immutable.ImmutableHashSet<string> members)
    {
        var known = ServersOfMembers.GetValue(members, set => new Box(config.ServerName, ServersOf(set, config.ServerName)));
        // A set belongs to one server's JoinedMembers; the check only guards several servers in one process (tests).
        return known.Local == config.ServerName ? known.Servers : ServersOf(members, config.ServerName);
    }

    private static string[] ServersOf(IEnumerable<string> userIds, string local) =>
        userIds.Select(ServerOf).OfType<string>().Where(s => s != local).Distinct(StringComparer.Ordinal).ToArray();

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<System.Collections.Immutable.ImmutableHashSet<string>, Box> ServersOfMembers = [];

    private sealed record Box(string Local, string[] Servers);

    private static string? ServerOf(string userId) => UserId.TryParse(userId, out var user) ? user.ServerName.Value : null;
}
