using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Events;
using Messenger.Federation.Protocol.Identifiers;
using Messenger.Homeserver.Auth;
using Messenger.Homeserver.Errors;
using Messenger.Homeserver.RoomServer;
using Messenger.Homeserver.Storage;

namespace Messenger.Homeserver.ClientApi.Rooms;

/// <summary>
/// "Room membership": join, invite, leave, kick, ban, unban. Each is one membership event through the event path;
/// the auth rules decide what is allowed (a refusal is <c>M_FORBIDDEN</c> with the rule's reason).
/// Joining rooms this server does not know needs federation (issue #7) and is <c>M_NOT_FOUND</c> until then.
/// </summary>
public sealed class MembershipService(RoomEventPipeline pipeline, RoomStore rooms, MemberProfiles profiles)
{
    public async Task<string> JoinAsync(Requester requester, string roomIdOrAlias, string? reason, CancellationToken ct)
    {
        if (roomIdOrAlias.StartsWith('#')) throw MatrixError.NotFound("Room alias not found");
        var roomId = roomIdOrAlias;
        if (await pipeline.SnapshotAsync(roomId, ct) is null) throw MatrixError.NotFound("No known servers for this room");
        if (await rooms.MembershipAsync(roomId, requester.UserId, ct) == Membership.Join) return roomId;
        var content = await profiles.MembershipContentAsync(requester.UserId, Membership.Join, ct);
        WithReason(content, reason);
        await pipeline.SendAsync(roomId, new LocalEvent(requester.UserId, EventTypes.Member, content, StateKey: requester.UserId), ct);
        return roomId;
    }

    public async Task InviteAsync(Requester requester, string roomId, string? target, string? reason, CancellationToken ct)
    {
        var user = RequireUser(target);
        if (await rooms.MembershipAsync(roomId, user, ct) == Membership.Join) throw MatrixError.Forbidden($"{user} is already in the room");
        var content = await profiles.MembershipContentAsync(user, Membership.Invite, ct);
        WithReason(content, reason);
        await SendMemberAsync(requester, roomId, user, content, ct);
    }

    /// <summary>Leave (or reject an invite, or withdraw a knock).</summary>
    public Task LeaveAsync(Requester requester, string roomId, string? reason, CancellationToken ct) =>
        SendMemberAsync(requester, roomId, requester.UserId, WithReason(new JsonObject { ["membership"] = Membership.Leave }, reason), ct);

    public Task KickAsync(Requester requester, string roomId, string? target, string? reason, CancellationToken ct) =>
        SendMemberAsync(requester, roomId, RequireUser(target), WithReason(new JsonObject { ["membership"] = Membership.Leave }, reason), ct);

    public Task BanAsync(Requester requester, string roomId, string? target, string? reason, CancellationToken ct) =>
        SendMemberAsync(requester, roomId, RequireUser(target), WithReason(new JsonObject { ["membership"] = Membership.Ban }, reason), ct);

    public async Task UnbanAsync(Requester requester, string roomId, string? target, string? reason, CancellationToken ct)
    {
        var user = RequireUser(target);
        if (await rooms.MembershipAsync(roomId, user, ct) != Membership.Ban) throw new MatrixException(MatrixErrorCode.BadState, $"{user} is not banned");
        await SendMemberAsync(requester, roomId, user, WithReason(new JsonObject { ["membership"] = Membership.Leave }, reason), ct);
    }

    private async Task SendMemberAsync(Requester requester, string roomId, string target, JsonObject content, CancellationToken ct)
    {
        if (await pipeline.SnapshotAsync(roomId, ct) is null) throw MatrixError.NotFound("Unknown room");
        await pipeline.SendAsync(roomId, new LocalEvent(requester.UserId, EventTypes.Member, content, StateKey: target), ct);
    }

    private static string RequireUser(string? userId)
    {
        if (string.IsNullOrEmpty(userId)) throw MatrixError.MissingParam("user_id");
        return UserId.TryParse(userId, out _) ? userId : throw MatrixError.InvalidParam($"'{userId}' is not a user id");
    }

    private static JsonObject WithReason(JsonObject content, string? reason)
    {
        if (!string.IsNullOrEmpty(reason)) content["reason"] = reason;
        return content;
    }
}
