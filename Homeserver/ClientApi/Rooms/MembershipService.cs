using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Events;
using Messenger.Federation.Protocol.Identifiers;
using Messenger.Homeserver.Auth;
using Messenger.Homeserver.Errors;
using Messenger.Homeserver.RoomServer;
using Messenger.Homeserver.Storage;

namespace Messenger.Homeserver.ClientApi.Rooms;

/// <summary>
/// "Room membership": join, knock, invite, leave, kick, ban, unban. Each is one membership event through the event
/// path; the auth rules decide what is allowed (a refusal is <c>M_FORBIDDEN</c> with the rule's reason).
/// A room this server does not know is joined over federation through the servers the client names
/// (<c>server_name</c>/<c>via</c>), the inviter's server and the room id's server ("Joining Rooms"); knocked on the same
/// way ("Knocking upon a room"); a remote invite or knock held without the room is rejected or withdrawn through the
/// server that sent it ("Leaving Rooms (Rejecting Invites)"). Inviting a remote user needs their server's signature
/// first ("Inviting to a room").
/// </summary>
public sealed class MembershipService(RoomEventPipeline pipeline, RoomStore rooms, MemberProfiles profiles, AliasService aliases, JoinAuthoriser joinAuthoriser,
    RoomServer.Remote.IRemoteJoins remoteJoins, RoomServer.Remote.IRemoteMemberships remote)
{
    /// <summary>
    /// POST /join/{roomIdOrAlias} and /rooms/{roomId}/join. A user already joined gets the room id back; one without an
    /// invite joining a restricted room gets <c>join_authorised_via_users_server</c> ("Restricted rooms").
    /// </summary>
    public async Task<string> JoinAsync(Requester requester, string roomIdOrAlias, string? reason, CancellationToken ct, IReadOnlyList<string>? servers = null)
    {
        var (roomId, aliasServers) = await aliases.RoomAndServersOfAsync(roomIdOrAlias, ct);
        var snapshot = await pipeline.SnapshotAsync(roomId, ct);
        if (snapshot is null)
        {
            var candidates = (servers ?? []).Concat(aliasServers).ToList();
            candidates.AddRange(await remote.JoinServersAsync(roomId, requester.UserId, ct));
            var colon = roomId.IndexOf(':');
            if (colon > 0) candidates.Add(roomId[(colon + 1)..]);
            var remoteContent = WithReason(await profiles.MembershipContentAsync(requester.UserId, Membership.Join, ct), reason);
            await remoteJoins.JoinAsync(roomId, requester.UserId, remoteContent, candidates, ct);
            return roomId;
        }
        var membership = await rooms.MembershipAsync(roomId, requester.UserId, ct);
        if (membership == Membership.Join) return roomId;
        var content = await profiles.MembershipContentAsync(requester.UserId, Membership.Join, ct);
        WithReason(content, reason);
        if (membership is not (Membership.Invite or Membership.Ban) && await joinAuthoriser.AuthoriserAsync(snapshot, requester.UserId, ct) is { } authoriser)
            content["join_authorised_via_users_server"] = authoriser;
        await pipeline.SendAsync(roomId, new LocalEvent(requester.UserId, EventTypes.Member, content, StateKey: requester.UserId), ct);
        return roomId;
    }

    /// <summary>
    /// POST /knock/{roomIdOrAlias} ("Knocking on rooms"): asks for an invite. The auth rules admit it only in rooms of
    /// version 7+ whose join rule is <c>knock</c> (or <c>knock_restricted</c>, v10+), and not from a user who is joined,
    /// invited or banned; any refusal is 403 <c>M_FORBIDDEN</c>.
    /// </summary>
    public async Task<string> KnockAsync(Requester requester, string roomIdOrAlias, string? reason, CancellationToken ct, IReadOnlyList<string>? servers = null)
    {
        var (roomId, aliasServers) = await aliases.RoomAndServersOfAsync(roomIdOrAlias, ct);
        var content = WithReason(await profiles.MembershipContentAsync(requester.UserId, Membership.Knock, ct), reason);
        if (await pipeline.SnapshotAsync(roomId, ct) is null)
        {
            await remote.KnockAsync(roomId, requester.UserId, content, [.. servers ?? [], .. aliasServers], ct);
            return roomId;
        }
        await pipeline.SendAsync(roomId, new LocalEvent(requester.UserId, EventTypes.Member, content, StateKey: requester.UserId), ct);
        return roomId;
    }

    public async Task InviteAsync(Requester requester, string roomId, string? target, string? reason, CancellationToken ct)
    {
        var user = RequireUser(target);
        if (await rooms.MembershipAsync(roomId, user, ct) == Membership.Join) throw MatrixError.Forbidden($"{user} is already in the room");
        var content = await profiles.MembershipContentAsync(user, Membership.Invite, ct);
        WithReason(content, reason);
        if (ServerOf(user) != ServerOf(requester.UserId))
        {
            if (await pipeline.SnapshotAsync(roomId, ct) is null) throw MatrixError.NotFound("Unknown room");
            await pipeline.SendCountersignedAsync(roomId, new LocalEvent(requester.UserId, EventTypes.Member, content, StateKey: user), remote.CountersignInviteAsync, ct);
            return;
        }
        await SendMemberAsync(requester, roomId, user, content, ct);
    }

    /// <summary>
    /// Leave (or reject an invite, or withdraw a knock). An invite or knock held out of band, in a room where this server
    /// has no say, is rejected through a resident server.
    /// </summary>
    public async Task LeaveAsync(Requester requester, string roomId, string? reason, CancellationToken ct)
    {
        var content = WithReason(new JsonObject { ["membership"] = Membership.Leave }, reason);
        var current = await pipeline.SnapshotAsync(roomId, ct) is null ? null : await rooms.MembershipAsync(roomId, requester.UserId, ct);
        if (current is not (Membership.Join or Membership.Invite or Membership.Knock) && await remote.TryLeaveOutOfBandAsync(roomId, requester.UserId, content, ct))
            return;
        await SendMemberAsync(requester, roomId, requester.UserId, content, ct);
    }

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

    private static string ServerOf(string userId) => userId[(userId.IndexOf(':') + 1)..];

    private static JsonObject WithReason(JsonObject content, string? reason)
    {
        if (!string.IsNullOrEmpty(reason)) content["reason"] = reason;
        return content;
    }
}
