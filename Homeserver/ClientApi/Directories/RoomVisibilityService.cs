using Messenger.Federation.Protocol.Events;
using Messenger.Homeserver.Auth;
using Messenger.Homeserver.ClientApi.Rooms;
using Messenger.Homeserver.Errors;
using Messenger.Homeserver.RoomServer;
using Messenger.Homeserver.Storage;

namespace Messenger.Homeserver.ClientApi.Directories;

/// <summary>
/// <c>GET/PUT /directory/list/room/{roomId}</c> ("Published room directory"). The spec lets servers restrict who
/// publishes; as Synapse (<c>check_can_change_room_list</c>): a server admin, or a joined member whose power level
/// allows sending <c>m.room.canonical_alias</c> (moderators by default, and the creator).
/// </summary>
public sealed class RoomVisibilityService(RoomDirectoryStore directory, RoomStore rooms, RoomEventPipeline pipeline, AccountStore accounts)
{
    public async Task<string> GetAsync(string roomId, CancellationToken ct)
    {
        var published = await directory.IsPublishedAsync(roomId, ct) ?? throw MatrixError.NotFound("Room not found");
        return published ? "public" : "private";
    }

    /// <summary>Sets the visibility (<c>public</c> when the body leaves it out).</summary>
    public async Task SetAsync(Requester requester, string roomId, string? visibility, CancellationToken ct)
    {
        visibility ??= "public";
        if (visibility is not ("public" or "private")) throw MatrixError.InvalidParam("visibility must be 'public' or 'private'");
        var snapshot = await pipeline.SnapshotAsync(roomId, ct) ?? throw MatrixError.NotFound("Room not found");
        if (!await MayChangeAsync(snapshot, requester.UserId, ct))
            throw MatrixError.Forbidden("This server requires you to be a moderator in the room to edit its room list entry");
        await directory.SetPublishedAsync(roomId, visibility == "public", ct);
    }

    private async Task<bool> MayChangeAsync(RoomSnapshot snapshot, string userId, CancellationToken ct)
    {
        if ((await accounts.FindAsync(userId, ct))?.IsAdmin == true) return true;
        if (await rooms.MembershipAsync(snapshot.RoomId, userId, ct) != Membership.Join) return false;
        var levels = await RoomPowerLevels.ReadAsync(pipeline, snapshot, ct);
        return levels.UserLevel(userId) >= levels.EventLevel(EventTypes.CanonicalAlias, isState: true);
    }
}
