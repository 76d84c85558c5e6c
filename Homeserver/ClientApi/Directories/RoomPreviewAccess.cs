using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Events;
using Messenger.Homeserver.Storage;

namespace Messenger.Homeserver.ClientApi.Directories;

/// <summary>
/// Whether a user may see a room's summary without being in it, per <c>GET /hierarchy</c> ("Spaces"): they are joined
/// or invited; or the join rule is <c>public</c>, <c>knock</c> or <c>knock_restricted</c>; or it is <c>restricted</c>
/// and they are joined to an allowed room; or the history is <c>world_readable</c>. A banned user sees the room only
/// when it is world-readable (as Synapse).
/// </summary>
public sealed class RoomPreviewAccess(RoomStore rooms, RoomSummaryStore summaries)
{
    public async Task<bool> MayPreviewAsync(LocalRoomSummary room, string userId, CancellationToken ct)
    {
        var summary = room.Summary;
        if (summary.HistoryVisibility == "world_readable") return true;
        var membership = await rooms.MembershipAsync(summary.RoomId, userId, ct);
        if (membership == Membership.Ban) return false;
        if (membership is Membership.Join or Membership.Invite) return true;
        if (summary.JoinRule is JoinRules.Public or JoinRules.Knock or JoinRules.KnockRestricted) return true;
        if (summary.JoinRule != JoinRules.Restricted) return false;
        foreach (var allowed in await AllowedRoomIdsAsync(summary.RoomId, ct))
        {
            if (await rooms.MembershipAsync(allowed, userId, ct) == Membership.Join) return true;
        }
        return false;
    }

    /// <summary>
    /// Whether another server may see a room's summary (server-server "Spaces": rooms "the requesting server could
    /// feasibly peek/join"): world-readable history; a <c>public</c>, <c>knock</c> or <c>knock_restricted</c> join
    /// rule; a user of that server joined or invited; or <c>restricted</c>/<c>knock_restricted</c> with a user of that
    /// server joined to an allowed room (Synapse's rule).
    /// </summary>
    public async Task<bool> MayServerPeekAsync(LocalRoomSummary room, string serverName, CancellationToken ct)
    {
        var summary = room.Summary;
        if (summary.HistoryVisibility == "world_readable") return true;
        if (summary.JoinRule is JoinRules.Public or JoinRules.Knock or JoinRules.KnockRestricted) return true;
        if (await HasMemberAsync(summary.RoomId, serverName, Membership.Join, ct) || await HasMemberAsync(summary.RoomId, serverName, Membership.Invite, ct))
            return true;
        if (summary.JoinRule != JoinRules.Restricted) return false;
        foreach (var allowed in await AllowedRoomIdsAsync(summary.RoomId, ct))
        {
            if (await HasMemberAsync(allowed, serverName, Membership.Join, ct)) return true;
        }
        return false;
    }

    private async Task<bool> HasMemberAsync(string roomId, string serverName, string membership, CancellationToken ct) =>
        (await rooms.MembersAsync(roomId, membership, ct)).Any(u => u.EndsWith(":" + serverName, StringComparison.Ordinal));

    /// <summary>The <c>m.room_membership</c> rooms of the join rules' <c>allow</c> list (restricted rooms).</summary>
    public async Task<List<string>> AllowedRoomIdsAsync(string roomId, CancellationToken ct)
    {
        var joinRules = (await summaries.StateEventsOfTypeAsync(roomId, EventTypes.JoinRules, ct)).FirstOrDefault(e => e.StateKey == "");
        if (joinRules is null || JsonNode.Parse(joinRules.Json)?["content"]?["allow"] is not JsonArray allow) return [];
        var ids = new List<string>();
        foreach (var condition in allow.OfType<JsonObject>())
        {
            if (condition["type"] is JsonValue t && t.TryGetValue(out string? type) && type == "m.room_membership"
                && condition["room_id"] is JsonValue id && id.TryGetValue(out string? allowedRoom))
                ids.Add(allowedRoom);
        }
        return ids;
    }
}
