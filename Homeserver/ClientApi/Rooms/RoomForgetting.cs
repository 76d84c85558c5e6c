using Messenger.Federation.Protocol.Events;
using Messenger.Homeserver.Auth;
using Messenger.Homeserver.Errors;
using Messenger.Homeserver.Storage;

namespace Messenger.Homeserver.ClientApi.Rooms;

/// <summary>
/// POST /rooms/{roomId}/forget ("Leaving rooms"): only a room the user has left or was banned from can be forgotten;
/// joined, invited or knocking is 400 <c>M_UNKNOWN</c> ("The user has not left the room"). A room the user never had
/// a membership in has nothing to forget and succeeds (as Synapse). The forgotten membership is recorded so that sync
/// leaves the room out until a new membership (re-join, re-invite, knock) replaces it.
/// </summary>
public sealed class RoomForgetting(RoomStore rooms, ForgottenRoomStore forgotten)
{
    public async Task ForgetAsync(Requester requester, string roomId, CancellationToken ct)
    {
        var memberEventId = await rooms.CurrentStateEventAsync(roomId, EventTypes.Member, requester.UserId, ct);
        if (memberEventId is null) return;
        var memberEvent = await rooms.EventRowAsync(memberEventId, ct);
        if (memberEvent is null) return;
        if (memberEvent.Membership is not (Membership.Leave or Membership.Ban))
            throw MatrixError.BadRequest($"User {requester.UserId} is in room {roomId}");
        await forgotten.ForgetAsync(requester.UserId, roomId, memberEventId, memberEvent.StreamOrdering, ct);
    }
}
