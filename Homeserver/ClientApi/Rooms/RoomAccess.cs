using Messenger.Federation.Protocol.Events;
using Messenger.Homeserver.Errors;
using Messenger.Homeserver.RoomServer;
using Messenger.Homeserver.Storage;

namespace Messenger.Homeserver.ClientApi.Rooms;

/// <summary>
/// Who may read a room through the room APIs: its current members. An unknown room is <c>M_NOT_FOUND</c>, a room the
/// user is not in <c>M_FORBIDDEN</c>. (History visibility for former members and world-readable rooms: issue #4.)
/// </summary>
public sealed class RoomAccess(RoomEventPipeline pipeline, RoomStore rooms)
{
    public async Task<RoomSnapshot> RequireJoinedAsync(string roomId, string userId, CancellationToken ct)
    {
        var snapshot = await pipeline.SnapshotAsync(roomId, ct) ?? throw MatrixError.NotFound("Unknown room");
        if (await rooms.MembershipAsync(roomId, userId, ct) != Membership.Join) throw MatrixError.Forbidden("You are not in this room");
        return snapshot;
    }
}
