using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Events;
using Messenger.Federation.Protocol.Identifiers;
using Messenger.Homeserver.Auth;
using Messenger.Homeserver.Configuration;
using Messenger.Homeserver.Errors;
using Messenger.Homeserver.Http;
using Messenger.Homeserver.RoomServer;
using Messenger.Homeserver.Storage;
using Messenger.Homeserver.Storage.Rows;

namespace Messenger.Homeserver.ClientApi.Rooms;

/// <summary>
/// "Room aliases" (<c>/directory/room/{roomAlias}</c>, <c>/rooms/{roomId}/aliases</c>) and the alias lookups other room
/// APIs need: joining or knocking by alias, <c>room_alias_name</c> of createRoom. This server keeps only its own
/// aliases; another server's alias is asked of that server (<c>/query/directory</c>), whose servers list then names
/// the servers to join through.
/// </summary>
public sealed class AliasService(RoomDirectoryStore directory, RoomStore rooms, RoomEventPipeline pipeline, HomeserverConfig config, TimeProvider time,
    FederationApi.RemoteQueries remote)
{
    /// <summary>
    /// GET /directory/room/{roomAlias}: the room and the servers in it (ours first), as Synapse answers; another server's
    /// alias as that server answers it.
    /// </summary>
    public async Task<JsonObject> GetAsync(string alias, CancellationToken ct)
    {
        if (!RoomAlias.TryParse(alias, out _)) throw MatrixError.InvalidParam("Room alias invalid");
        var (roomId, servers) = await ResolveWithServersAsync(alias, ct) ?? throw MatrixError.NotFound($"Room alias {alias} not found.");
        return new JsonObject { ["room_id"] = roomId, ["servers"] = new JsonArray([.. servers.Select(s => JsonValue.Create(s))]) };
    }

    /// <summary>The servers of the room's joined members, ours first.</summary>
    public async Task<List<string>> ServersOfAsync(string roomId, CancellationToken ct)
    {
        var servers = new List<string> { config.ServerName };
        foreach (var member in await rooms.MembersAsync(roomId, Membership.Join, ct))
        {
            var server = member[(member.IndexOf(':') + 1)..];
            if (!servers.Contains(server)) servers.Add(server);
        }
        return servers;
    }

    /// <summary>A local or remote alias's room and the servers to reach it through, or null when it names none.</summary>
    private async Task<(string RoomId, List<string> Servers)?> ResolveWithServersAsync(string alias, CancellationToken ct)
    {
        if (!IsLocal(alias)) return await remote.RoomAliasAsync(alias, ct);
        return await ResolveAsync(alias, ct) is { } roomId ? (roomId, await ServersOfAsync(roomId, ct)) : null;
    }

    /// <summary>
    /// PUT /directory/room/{roomAlias}. Rules: the alias is valid and ours (else 400 <c>M_INVALID_PARAM</c>); the room
    /// exists (404) and the user is joined to it (403, Synapse's <c>require_membership_for_aliases</c>); an alias that
    /// exists is 409 <c>M_UNKNOWN</c>, whichever room it points to.
    /// </summary>
    public async Task SetAsync(Requester requester, string alias, string? roomId, CancellationToken ct)
    {
        RequireLocal(alias);
        MatrixJson.Require(roomId, "room_id");
        if (!RoomId.TryParse(roomId, out _)) throw MatrixError.InvalidParam($"'{roomId}' is not a room id");
        if (await pipeline.SnapshotAsync(roomId!, ct) is null) throw MatrixError.NotFound("Unknown room");
        if (await rooms.MembershipAsync(roomId!, requester.UserId, ct) != Membership.Join)
            throw MatrixError.Forbidden("You must be in the room to create an alias for it");
        var row = new RoomAliasRow { Alias = alias, RoomId = roomId!, Creator = requester.UserId, CreatedTs = time.GetUtcNow().ToUnixTimeMilliseconds() };
        if (!await directory.TryAddAliasAsync(row, ct)) throw AliasExists(alias);
    }

    /// <summary>
    /// DELETE /directory/room/{roomAlias}. Allowed to the alias's creator, or to a member who may send
    /// <c>m.room.canonical_alias</c> (as Synapse). If the room's canonical alias event names the alias, it is sent again
    /// without it, as the deleting user; if they may not send it, the alias is deleted all the same (the spec recommends so).
    /// </summary>
    public async Task DeleteAsync(Requester requester, string alias, CancellationToken ct)
    {
        RequireLocal(alias);
        var row = await directory.FindAliasAsync(alias, ct) ?? throw MatrixError.NotFound($"Room alias {alias} not found.");
        var snapshot = await pipeline.SnapshotAsync(row.RoomId, ct);
        if (row.Creator != requester.UserId && !(snapshot is not null && await MayEditCanonicalAliasAsync(snapshot, requester.UserId, ct)))
            throw MatrixError.Forbidden("You don't have permission to delete the alias.");
        if (!await directory.DeleteAliasAsync(alias, ct)) throw MatrixError.NotFound($"Room alias {alias} not found.");
        if (snapshot is not null) await RemoveFromCanonicalAliasAsync(snapshot, requester.UserId, alias, ct);
    }

    /// <summary>GET /rooms/{roomId}/aliases: for members of the room, or anyone if its history is <c>world_readable</c>.</summary>
    public async Task<List<string>> LocalAliasesAsync(Requester requester, string roomId, CancellationToken ct)
    {
        var snapshot = await pipeline.SnapshotAsync(roomId, ct) ?? throw MatrixError.NotFound("Unknown room");
        if (await rooms.MembershipAsync(roomId, requester.UserId, ct) != Membership.Join && !await IsWorldReadableAsync(snapshot, ct))
            throw MatrixError.Forbidden("You are not a member of the room.");
        return await directory.AliasesOfAsync(roomId, ct);
    }

    /// <summary>The room an alias names, or null: unknown, invalid, or another server's (federation query: issue #7).</summary>
    public async Task<string?> ResolveAsync(string alias, CancellationToken ct)
    {
        if (!RoomAlias.TryParse(alias, out var parsed) || parsed.ServerName.Value != config.ServerName) return null;
        return (await directory.FindAliasAsync(alias, ct))?.RoomId;
    }

    /// <summary>
    /// The room id of a <c>roomIdOrAlias</c> path parameter (join, knock): a room id as given, an alias resolved
    /// (unknown: 404 <c>M_NOT_FOUND</c>); anything else is 400 <c>M_INVALID_PARAM</c>.
    /// </summary>
    public async Task<string> RoomIdOfAsync(string roomIdOrAlias, CancellationToken ct) => (await RoomAndServersOfAsync(roomIdOrAlias, ct)).RoomId;

    /// <summary>
    /// As <see cref="RoomIdOfAsync"/>, with the servers an alias's answer names (to join or knock through); none for a room id.
    /// Another server's alias is asked of that server.
    /// </summary>
    public async Task<(string RoomId, List<string> Servers)> RoomAndServersOfAsync(string roomIdOrAlias, CancellationToken ct)
    {
        if (RoomId.TryParse(roomIdOrAlias, out _)) return (roomIdOrAlias, []);
        if (!RoomAlias.TryParse(roomIdOrAlias, out _)) throw MatrixError.InvalidParam($"'{roomIdOrAlias}' is neither a room id nor a room alias");
        return await ResolveWithServersAsync(roomIdOrAlias, ct) ?? throw MatrixError.NotFound($"Room alias {roomIdOrAlias} not found.");
    }

    /// <summary>
    /// createRoom's <c>room_alias_name</c>: the full local alias, checked before the room exists — an invalid localpart
    /// is 400 <c>M_INVALID_PARAM</c>, a taken alias 400 <c>M_ROOM_IN_USE</c> ("Creation").
    /// </summary>
    public async Task<string> NewRoomAliasAsync(string localpart, CancellationToken ct)
    {
        var alias = $"#{localpart}:{config.ServerName}";
        if (localpart.Length == 0 || !RoomAlias.TryParse(alias, out _)) throw MatrixError.InvalidParam("Invalid characters in room alias");
        if (await directory.FindAliasAsync(alias, ct) is not null) throw RoomAliasInUse(alias);
        return alias;
    }

    /// <summary>Adds the alias so that it is saved with the room's first events, in their transaction.</summary>
    public void StageNewRoomAlias(string alias, string roomId, string creator) =>
        directory.StageAlias(new RoomAliasRow { Alias = alias, RoomId = roomId, Creator = creator, CreatedTs = time.GetUtcNow().ToUnixTimeMilliseconds() });

    /// <summary>Room upgrades: the old room's aliases move with the replacement room's creation, in its transaction.</summary>
    public Task StageMoveAliasesAsync(string fromRoom, string toRoom, CancellationToken ct) => directory.StageMoveAliasesAsync(fromRoom, toRoom, ct);

    /// <summary>Room upgrades: a published room hands its place in the directory to its replacement.</summary>
    public Task UnpublishAsync(string roomId, CancellationToken ct) => directory.SetPublishedAsync(roomId, false, ct);

    public static MatrixException RoomAliasInUse(string alias) => new(MatrixErrorCode.RoomInUse, $"Room alias {alias} already taken");

    /// <summary>Whether an alias is this server's.</summary>
    public bool IsLocal(string alias) => RoomAlias.TryParse(alias, out var parsed) && parsed.ServerName.Value == config.ServerName;

    private void RequireLocal(string alias)
    {
        if (!RoomAlias.TryParse(alias, out var parsed)) throw MatrixError.InvalidParam("Room alias invalid");
        if (parsed.ServerName.Value != config.ServerName) throw MatrixError.InvalidParam("Room alias must be local");
    }

    private static MatrixException AliasExists(string alias) => new(MatrixErrorCode.Unknown, $"Room alias {alias} already exists.", 409);

    private async Task<bool> MayEditCanonicalAliasAsync(RoomSnapshot snapshot, string userId, CancellationToken ct)
    {
        if (await rooms.MembershipAsync(snapshot.RoomId, userId, ct) != Membership.Join) return false;
        var levels = await RoomPowerLevels.ReadAsync(pipeline, snapshot, ct);
        return levels.UserLevel(userId) >= levels.EventLevel(EventTypes.CanonicalAlias, isState: true);
    }

    private async Task RemoveFromCanonicalAliasAsync(RoomSnapshot snapshot, string userId, string alias, CancellationToken ct)
    {
        if (snapshot.StateEventId(EventTypes.CanonicalAlias) is not { } id) return;
        var content = (await pipeline.LoadEventAsync(id, snapshot.Version, ct)).Content.DeepClone().AsObject();
        var changed = false;
        if (content["alias"] is JsonValue a && a.TryGetValue(out string? canonical) && canonical == alias)
        {
            content.Remove("alias");
            changed = true;
        }
        if (content["alt_aliases"] is JsonArray alt && alt.FirstOrDefault(x => x is JsonValue v && v.TryGetValue(out string? s) && s == alias) is { } entry)
        {
            alt.Remove(entry);
            changed = true;
        }
        if (!changed) return;
        try
        {
            await pipeline.SendAsync(snapshot.RoomId, new LocalEvent(userId, EventTypes.CanonicalAlias, content, StateKey: ""), ct);
        }
        catch (MatrixException)
        {
            // Not allowed to edit the state event: the alias is gone from the directory regardless.
        }
    }

    private async Task<bool> IsWorldReadableAsync(RoomSnapshot snapshot, CancellationToken ct) =>
        snapshot.StateEventId(EventTypes.HistoryVisibility) is { } id
        && (await pipeline.LoadEventAsync(id, snapshot.Version, ct)).Content["history_visibility"] is JsonValue v
        && v.TryGetValue(out string? visibility) && visibility == "world_readable";
}
