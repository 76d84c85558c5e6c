using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Events;
using Messenger.Homeserver.Configuration;
using Messenger.Homeserver.Errors;
using Messenger.Homeserver.RoomServer;
using Messenger.Homeserver.Storage;

namespace Messenger.Homeserver.ClientApi.Rooms;

/// <summary>
/// Restricted joins ("Restricted rooms"; rooms/v8+ auth rule for joins): when a user without an invite joins a room
/// whose join rule is <c>restricted</c> (v8+) or <c>knock_restricted</c> (v10+), this server must verify an allow
/// condition (<c>m.room_membership</c>: joined to a listed room) and name, in <c>join_authorised_via_users_server</c>,
/// one of its own joined users who may invite — the event is signed by us, which the auth rule requires of that user's
/// server. Rooms this server is not in cannot be verified and so admit nobody.
/// </summary>
public sealed class JoinAuthoriser(RoomEventPipeline pipeline, RoomStore rooms, HomeserverConfig config)
{
    /// <summary>
    /// The user to name, or null when the join rule needs none. Not in any allowed room: 403 <c>M_FORBIDDEN</c>; no local
    /// user able to invite: 400 <c>M_UNABLE_TO_GRANT_JOIN</c> (as Synapse).
    /// </summary>
    public async Task<string?> AuthoriserAsync(RoomSnapshot room, string joiningUser, CancellationToken ct)
    {
        if (room.StateEventId(EventTypes.JoinRules) is not { } joinRulesId) return null;
        var joinRules = (await pipeline.LoadEventAsync(joinRulesId, room.Version, ct)).Content;
        var rule = joinRules["join_rule"] is JsonValue r && r.TryGetValue(out string? value) ? value : null;
        var restricted = (rule == JoinRules.Restricted && room.Version.RestrictedJoins)
            || (rule == JoinRules.KnockRestricted && room.Version.KnockRestrictedJoins);
        if (!restricted) return null;

        switch (await MeetsAnyConditionAsync(joinRules, joiningUser, ct))
        {
            case false:
                throw MatrixError.Forbidden("You are not invited to this room, and not a member of any room its join rules allow.");
            case null:
                throw new MatrixException(MatrixErrorCode.UnableToAuthoriseJoin, "This server is not in the rooms the join rules allow, so it cannot check the join.");
        }

        var levels = await RoomPowerLevels.ReadAsync(pipeline, room, ct);
        var suffix = ":" + config.ServerName;
        return (await rooms.MembersAsync(room.RoomId, Membership.Join, ct))
            .Where(u => u.EndsWith(suffix, StringComparison.Ordinal) && levels.UserLevel(u) >= levels.Invite)
            .OrderByDescending(levels.UserLevel).ThenBy(u => u, StringComparer.Ordinal)
            .FirstOrDefault()
            ?? throw new MatrixException(MatrixErrorCode.UnableToGrantJoin, "No user of this server in the room can authorise the join.");
    }

    /// <summary>
    /// The allow conditions: only <c>m.room_membership</c> exists; unknown condition types are skipped. Null when none is
    /// met but some names a room this server is not in, whose members it cannot know ("Restricted rooms": 400
    /// <c>M_UNABLE_TO_AUTHORISE_JOIN</c> over federation).
    /// </summary>
    private async Task<bool?> MeetsAnyConditionAsync(JsonObject joinRules, string userId, CancellationToken ct)
    {
        if (joinRules["allow"] is not JsonArray allow) return false;
        var unknownRoom = false;
        foreach (var condition in allow.OfType<JsonObject>())
        {
            if (condition["type"] is not JsonValue t || !t.TryGetValue(out string? type) || type != "m.room_membership") continue;
            if (condition["room_id"] is not JsonValue id || !id.TryGetValue(out string? roomId)) continue;
            if (await rooms.MembershipAsync(roomId, userId, ct) == Membership.Join) return true;
            unknownRoom |= await rooms.FindRoomAsync(roomId, ct) is null;
        }
        return unknownRoom ? null : false;
    }
}
