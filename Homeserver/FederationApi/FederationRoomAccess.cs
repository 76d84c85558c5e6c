using Messenger.Federation.Http;
using Messenger.Federation.Protocol.Events;
using Messenger.Homeserver.RoomServer;
using Messenger.Homeserver.Storage;

namespace Messenger.Homeserver.FederationApi;

/// <summary>
/// Which rooms a requesting server may act on or read: none whose <c>m.room.server_acl</c> denies it (403, "Server
/// Access Control Lists"), and for reads only rooms where one of its users is joined now. That is stricter than
/// history visibility allows (a server that left could still read shared history), and never leaks a room's events
/// to a server outside it.
/// </summary>
public sealed class FederationRoomAccess(RoomEventPipeline pipeline, RoomStore rooms)
{
    /// <summary>The room as it stands, after the ACL check; null for an unknown room.</summary>
    public async Task<RoomSnapshot?> RoomAsync(string origin, string roomId, CancellationToken ct)
    {
        var snapshot = await pipeline.SnapshotAsync(roomId, ct);
        if (snapshot is null) return null;
        await EnsureAclAllowsAsync(snapshot, origin, ct);
        return snapshot;
    }

    public async Task EnsureAclAllowsAsync(RoomSnapshot snapshot, string origin, CancellationToken ct)
    {
        if (snapshot.StateEventId("m.room.server_acl") is not { } aclId) return;
        var acl = await pipeline.LoadEventAsync(aclId, snapshot.Version, ct);
        if (!ServerAcl.Allows(acl.Content, origin)) throw FederationError.Forbidden("Server is banned from this room by its server ACL");
    }

    /// <summary>The room if <paramref name="origin"/> may read it (ACL, and one of its users joined), else null.</summary>
    public async Task<RoomSnapshot?> ReadableRoomAsync(string origin, string roomId, CancellationToken ct)
    {
        var snapshot = await RoomAsync(origin, roomId, ct);
        if (snapshot is null) return null;
        var joined = await rooms.MembersAsync(roomId, Membership.Join, ct);
        return joined.Any(user => user.EndsWith(":" + origin, StringComparison.Ordinal)) ? snapshot : null;
    }
}
