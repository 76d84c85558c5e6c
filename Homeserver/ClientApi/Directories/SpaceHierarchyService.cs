using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Events;
using Messenger.Homeserver.Auth;
using Messenger.Homeserver.Errors;
using Messenger.Homeserver.Storage;

namespace Messenger.Homeserver.ClientApi.Directories;

/// <summary>
/// <c>GET /_matrix/client/v1/rooms/{roomId}/hierarchy</c> ("Spaces"): walks the space tree depth first from the room,
/// children in the spec's order ("Ordering of children within a space"), each room once, listing the rooms the user
/// may see (<see cref="RoomPreviewAccess"/>) with their <c>m.space.child</c> events as <c>children_state</c>. A room the
/// user may not see is left out together with its subtree; a room this server lacks is asked of its <c>via</c> servers
/// through <see cref="IRemoteSpaceHierarchy"/>. The root itself must be visible (else 403, also for unknown rooms).
/// </summary>
public sealed class SpaceHierarchyService(RoomSummaryStore summaries, RoomPreviewAccess access, IRemoteSpaceHierarchy remote)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 50;
    public const int MaxDepth = 20;

    /// <summary>Rooms one request examines at most (visible or not), bounding the work of a huge or hostile tree.</summary>
    public const int MaxRoomsVisited = 500;

    private const string SpaceChild = "m.space.child";
    private const string Space = "m.space";

    public async Task<JsonObject> GetAsync(Requester requester, string roomId, string? from, int? limit, int? maxDepth, bool suggestedOnly, CancellationToken ct)
    {
        if (limit is <= 0) throw MatrixError.InvalidParam("limit must be a positive integer");
        if (maxDepth is < 0) throw MatrixError.InvalidParam("max_depth must be a non-negative integer");
        var depthLimit = Math.Min(maxDepth ?? MaxDepth, MaxDepth);
        var pageSize = Math.Min(limit ?? DefaultLimit, MaxLimit);
        var token = from is null ? null : SpaceHierarchyToken.Parse(from);
        if (token is not null && (token.RootRoomId != roomId || token.MaxDepth != depthLimit || token.SuggestedOnly != suggestedOnly))
            throw MatrixError.InvalidParam("suggested_only and max_depth cannot change on paginated requests");

        var root = await RoomEntryAsync(roomId, requester.UserId, suggestedOnly, ct)
            ?? throw MatrixError.Forbidden("You are not allowed to view this room.");

        var stack = new List<(string RoomId, IReadOnlyList<string> Via, int Depth)> { (roomId, [], 0) };
        var visited = new HashSet<string>();
        var skip = token?.Skip ?? 0;
        var seen = 0;
        var rooms = new JsonArray();
        while (stack.Count > 0 && rooms.Count < pageSize && visited.Count < MaxRoomsVisited)
        {
            var (id, via, depth) = stack[^1];
            stack.RemoveAt(stack.Count - 1);
            if (!visited.Add(id)) continue;
            var entry = id == roomId ? root : await ChildEntryAsync(id, via, requester.UserId, suggestedOnly, ct);
            if (entry is null) continue;
            if (seen++ >= skip) rooms.Add(entry);
            if (depth >= depthLimit || entry["children_state"] is not JsonArray children) continue;
            // Pushed in reverse, so the first child in order is walked next.
            foreach (var child in children.Reverse().OfType<JsonObject>())
            {
                var childId = (string)child["state_key"]!;
                if (!visited.Contains(childId)) stack.Add((childId, Via(child["content"]), depth + 1));
            }
        }

        var response = new JsonObject { ["rooms"] = rooms };
        if (stack.Count > 0 && visited.Count < MaxRoomsVisited)
            response["next_batch"] = new SpaceHierarchyToken(skip + rooms.Count, depthLimit, suggestedOnly, roomId).ToString();
        return response;
    }

    /// <summary>
    /// The hierarchy entry of a room this server has, as <paramref name="userId"/> may see it, or null when it is
    /// unknown or hidden from them.
    /// </summary>
    public async Task<JsonObject?> RoomEntryAsync(string roomId, string userId, bool suggestedOnly, CancellationToken ct)
    {
        if (await summaries.FindAsync(roomId, ct) is not { } room || !await access.MayPreviewAsync(room, userId, ct)) return null;
        return await EntryAsync(room, suggestedOnly, ct);
    }

    /// <summary>
    /// The federation <c>GET /hierarchy/{roomId}</c> answer for <paramref name="serverName"/> (server-server "Spaces"):
    /// the room and those children it could peek or join (<see cref="RoomPreviewAccess.MayServerPeekAsync"/>), the
    /// others' ids as <c>inaccessible_children</c>; children unknown here are left out, as the spec says. Null when the
    /// room is unknown here or the server could not peek or join it (404).
    /// </summary>
    public async Task<JsonObject?> ServerHierarchyAsync(string serverName, string roomId, bool suggestedOnly, CancellationToken ct)
    {
        if (await summaries.FindAsync(roomId, ct) is not { } room || !await access.MayServerPeekAsync(room, serverName, ct)) return null;
        var entry = await EntryAsync(room, suggestedOnly, ct);
        var children = new JsonArray();
        var inaccessible = new JsonArray();
        foreach (var child in ((JsonArray)entry["children_state"]!).OfType<JsonObject>().Take(MaxRoomsVisited))
        {
            var childId = (string)child["state_key"]!;
            if (await summaries.FindAsync(childId, ct) is not { } childRoom) continue;
            if (await access.MayServerPeekAsync(childRoom, serverName, ct)) children.Add(await EntryAsync(childRoom, suggestedOnly, ct));
            else inaccessible.Add(childId);
        }
        return new JsonObject { ["room"] = entry, ["children"] = children, ["inaccessible_children"] = inaccessible };
    }

    private async Task<JsonObject> EntryAsync(LocalRoomSummary room, bool suggestedOnly, CancellationToken ct)
    {
        var roomId = room.Summary.RoomId;
        var entry = PublicRoomsService.Chunk(room.Summary, room.JoinedMembers);
        entry["room_version"] = room.RoomVersion;
        if (room.Summary.Encryption is { } algorithm) entry["encryption"] = algorithm;
        if (room.Summary.JoinRule is JoinRules.Restricted or JoinRules.KnockRestricted)
            entry["allowed_room_ids"] = new JsonArray([.. (await access.AllowedRoomIdsAsync(roomId, ct)).Select(r => JsonValue.Create(r))]);
        entry["children_state"] = room.Summary.RoomType == Space ? await ChildrenStateAsync(roomId, suggestedOnly, ct) : new JsonArray();
        return entry;
    }

    private async Task<JsonObject?> ChildEntryAsync(string roomId, IReadOnlyList<string> via, string userId, bool suggestedOnly, CancellationToken ct)
    {
        if (await summaries.FindAsync(roomId, ct) is not null) return await RoomEntryAsync(roomId, userId, suggestedOnly, ct);
        var entry = await remote.GetRoomAsync(roomId, via, suggestedOnly, ct);
        // A remote summary is shown on the same terms, judged from what it says of itself.
        var joinRule = (string?)entry?["join_rule"];
        var visible = entry is not null && (entry["world_readable"] is JsonValue w && w.TryGetValue(out bool readable) && readable
            || joinRule is JoinRules.Public or JoinRules.Knock or JoinRules.KnockRestricted);
        return visible ? entry : null;
    }

    /// <summary>
    /// The valid <c>m.space.child</c> events (a non-empty <c>via</c>) in the spec's order: those with a valid
    /// <c>order</c> first, by it; then by the event's <c>origin_server_ts</c>; then by room id. Stripped state with
    /// <c>origin_server_ts</c> added.
    /// </summary>
    private async Task<JsonArray> ChildrenStateAsync(string roomId, bool suggestedOnly, CancellationToken ct)
    {
        var children = new List<(string? Order, long Ts, string RoomId, JsonObject Stripped)>();
        foreach (var row in await summaries.StateEventsOfTypeAsync(roomId, SpaceChild, ct))
        {
            if (JsonNode.Parse(row.Json)?["content"] is not JsonObject content || Via(content).Count == 0 || row.StateKey is not { Length: > 0 } childId) continue;
            if (suggestedOnly && !(content["suggested"] is JsonValue s && s.TryGetValue(out bool suggested) && suggested)) continue;
            var stripped = new JsonObject
            {
                ["type"] = SpaceChild, ["state_key"] = childId, ["content"] = content.DeepClone(),
                ["sender"] = row.Sender, ["origin_server_ts"] = row.OriginServerTs,
            };
            children.Add((ValidOrder(content["order"]), row.OriginServerTs, childId, stripped));
        }
        var ordered = children
            .OrderBy(c => c.Order is null).ThenBy(c => c.Order, StringComparer.Ordinal)
            .ThenBy(c => c.Ts).ThenBy(c => c.RoomId, StringComparer.Ordinal);
        return new JsonArray([.. ordered.Select(c => (JsonNode)c.Stripped)]);
    }

    private static List<string> Via(JsonNode? content) =>
        content?["via"] is JsonArray via ? via.OfType<JsonValue>().Select(v => v.TryGetValue(out string? s) ? s : null).OfType<string>().ToList() : [];

    /// <summary>An <c>order</c> counts only if it is a string of 1–50 characters in <c>\x20</c>–<c>\x7E</c>.</summary>
    private static string? ValidOrder(JsonNode? order) =>
        order is JsonValue v && v.TryGetValue(out string? s) && s.Length is > 0 and <= 50 && s.All(c => c is >= '\x20' and <= '\x7E') ? s : null;
}
