using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Events;
using Messenger.Homeserver.Auth;
using Messenger.Homeserver.Errors;
using Messenger.Homeserver.RoomServer;
using Messenger.Homeserver.Storage;

namespace Messenger.Homeserver.ClientApi.Rooms;

/// <summary>Members and history of a room: <c>/members</c>, <c>/joined_members</c>, <c>/joined_rooms</c>, <c>/messages</c>.</summary>
public sealed class RoomHistoryService(RoomStore rooms, RoomAccess access, ClientEventFormatter formatter, StreamPositions positions)
{
    private const int MaxPageSize = 1000;

    public Task<List<string>> JoinedRoomsAsync(Requester requester, CancellationToken ct) =>
        rooms.RoomsWithMembershipAsync(requester.UserId, Membership.Join, ct);

    /// <summary>GET /rooms/{roomId}/joined_members: display name and avatar of each joined member, from their member events.</summary>
    public async Task<JsonObject> JoinedMembersAsync(Requester requester, string roomId, CancellationToken ct)
    {
        var snapshot = await access.RequireJoinedAsync(roomId, requester.UserId, ct);
        var memberEvents = snapshot.State.Where(kv => kv.Key.Type == EventTypes.Member).Select(kv => kv.Value).ToList();
        var joined = new JsonObject();
        foreach (var row in await rooms.EventRowsAsync(memberEvents, ct))
        {
            if (row.Membership != Membership.Join || row.StateKey is null) continue;
            var content = JsonNode.Parse(row.Json)!["content"]!;
            joined[row.StateKey] = new JsonObject { ["display_name"] = content["displayname"]?.DeepClone(), ["avatar_url"] = content["avatar_url"]?.DeepClone() };
        }
        return new JsonObject { ["joined"] = joined };
    }

    /// <summary>GET /rooms/{roomId}/members: current member events, filtered by <c>membership</c> / <c>not_membership</c>.</summary>
    public async Task<List<JsonObject>> MembersAsync(Requester requester, string roomId, string? membership, string? notMembership, CancellationToken ct)
    {
        var snapshot = await access.RequireJoinedAsync(roomId, requester.UserId, ct);
        var memberEvents = snapshot.State.Where(kv => kv.Key.Type == EventTypes.Member).Select(kv => kv.Value).ToList();
        var rows = (await rooms.EventRowsAsync(memberEvents, ct))
            .Where(r => (membership is null || r.Membership == membership) && (notMembership is null || r.Membership != notMembership))
            .OrderBy(r => r.StateKey, StringComparer.Ordinal).ToList();
        return await formatter.FormatAsync(rows, snapshot.Version, requester.UserId, requester.DeviceId, ct);
    }

    /// <summary>
    /// GET /rooms/{roomId}/messages: a page of history from <c>from</c> (default: the newest end going backwards, the
    /// oldest going forwards) up to <c>to</c>. <c>end</c> is left out when there is nothing further.
    /// </summary>
    public async Task<JsonObject> MessagesAsync(Requester requester, string roomId, string? from, string? to, string? dir, int? limit, CancellationToken ct)
    {
        var snapshot = await access.RequireJoinedAsync(roomId, requester.UserId, ct);
        var backwards = dir switch
        {
            "b" => true,
            "f" => false,
            null => throw MatrixError.MissingParam("dir"),
            _ => throw MatrixError.InvalidParam("dir must be 'b' or 'f'"),
        };
        var size = Math.Clamp(limit ?? 10, 0, MaxPageSize);
        PaginationToken start;
        if (from is null) start = backwards ? PaginationToken.End : PaginationToken.Start;
        else if (!PaginationToken.TryParse(from, out start)) throw MatrixError.InvalidParam("Invalid from token");
        PaginationToken? stop = null;
        if (to is not null)
        {
            if (!PaginationToken.TryParse(to, out var parsed)) throw MatrixError.InvalidParam("Invalid to token");
            stop = parsed;
        }

        var upTo = positions.Current;
        var rows = start.StreamOnly
            ? await rooms.PageByStreamAsync(roomId, start.Stream, backwards, size, upTo, ct)
            : await rooms.PageAsync(roomId, start.Depth, start.Stream, backwards, size, upTo, ct);
        if (stop is { } bound)
        {
            rows = rows.TakeWhile(r => backwards
                ? (r.Depth, r.StreamOrdering).CompareTo((bound.Depth, bound.Stream)) >= 0
                : (r.Depth, r.StreamOrdering).CompareTo((bound.Depth, bound.Stream)) < 0).ToList();
        }

        var chunk = await formatter.FormatAsync(rows, snapshot.Version, requester.UserId, requester.DeviceId, ct);
        var response = new JsonObject
        {
            ["start"] = from ?? start.ToString(),
            ["chunk"] = new JsonArray(chunk.ToArray<JsonNode>()),
        };
        if (rows.Count == size && size > 0)
        {
            var last = rows[^1];
            response["end"] = new PaginationToken(last.Depth, last.StreamOrdering).ToString();
        }
        return response;
    }
}
