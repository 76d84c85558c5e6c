using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Events;
using Messenger.Homeserver.Auth;
using Messenger.Homeserver.ClientApi.AccountData;
using Messenger.Homeserver.ClientApi.Filters;
using Messenger.Homeserver.Storage.Rows;
using Messenger.Homeserver.Errors;
using Messenger.Homeserver.RoomServer;
using Messenger.Homeserver.RoomServer.Remote;
using Messenger.Homeserver.Storage;

namespace Messenger.Homeserver.ClientApi.Rooms;

/// <summary>Members and history of a room: <c>/members</c>, <c>/joined_members</c>, <c>/joined_rooms</c>, <c>/messages</c>.</summary>
public sealed class RoomHistoryService(RoomStore rooms, RoomAccess access, ClientEventFormatter formatter, StreamPositions positions, IgnoredUsers ignoredUsers,
    RemoteEventIngest remote)
{
    private const int MaxPageSize = 1000;
    private const int MinBackfill = 20;
    private const int MaxBackfillRounds = 3;

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

    private static readonly string[] Memberships = [Membership.Join, Membership.Invite, Membership.Knock, Membership.Leave, Membership.Ban];

    /// <summary>
    /// GET /rooms/{roomId}/members: the member events of the current state (for a user who left, of the state when they
    /// left), or of the state at the point <c>at</c> names (a <c>prev_batch</c>, <c>/messages</c> or sync token, never past
    /// the user's leave). <c>membership</c> and <c>not_membership</c> together are an "or": either the membership is the
    /// one, or it is not the other.
    /// </summary>
    public async Task<List<JsonObject>> MembersAsync(Requester requester, string roomId, string? at, string? membership, string? notMembership, CancellationToken ct)
    {
        if (membership is not null && !Memberships.Contains(membership)) throw MatrixError.InvalidParam("Unknown membership");
        if (notMembership is not null && !Memberships.Contains(notMembership)) throw MatrixError.InvalidParam("Unknown not_membership");
        var view = await access.RequireReadableAsync(roomId, requester.UserId, ct);
        IReadOnlyDictionary<StateKey, string> state = view.StateGroupAtLeave is { } left ? await rooms.StateGroupAsync(left, ct) : view.Snapshot.State;
        if (at is not null)
        {
            if (!PaginationToken.TryParse(at, out var token)) throw MatrixError.InvalidParam("Invalid at token");
            // A token is the gap before the event at its stream position: the state there is the state after the one before.
            var position = view.UpTo(Math.Min(token.Stream == long.MinValue ? 0 : token.Stream - 1, positions.Current));
            state = await rooms.StateGroupAsync(await rooms.StateGroupAtAsync(roomId, position, ct), ct);
        }
        var memberEvents = state.Where(kv => kv.Key.Type == EventTypes.Member).Select(kv => kv.Value).ToList();
        var rows = (await rooms.EventRowsAsync(memberEvents, ct))
            .Where(r => (membership, notMembership) switch
            {
                (null, null) => true,
                (_, null) => r.Membership == membership,
                (null, _) => r.Membership != notMembership,
                _ => r.Membership == membership || r.Membership != notMembership,
            })
            .OrderBy(r => r.StateKey, StringComparer.Ordinal).ToList();
        return await formatter.FormatAsync(rows, view.Snapshot.Version, requester.UserId, requester.DeviceId, ct);
    }

    /// <summary>
    /// GET /rooms/{roomId}/messages: a page of history from <c>from</c> (default: the newest end going backwards, the
    /// oldest going forwards) up to <c>to</c>. <c>end</c> is left out when there is nothing further. Going backwards past
    /// the earliest event this server has of a room it joined late, older events are backfilled from another server first. Events the user may
    /// not see by history visibility are left out of the page; a former member's history ends at their leave.
    /// </summary>
    public async Task<JsonObject> MessagesAsync(Requester requester, string roomId, string? from, string? to, string? dir, int? limit, CancellationToken ct, string? filter = null)
    {
        var view = await access.RequireReadableAsync(roomId, requester.UserId, ct);
        var snapshot = view.Snapshot;
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

        var eventFilter = ParseFilter(filter);
        // A former member reads up to their leave; history visibility then decides event by event.
        var upTo = view.UpTo(positions.Current);
        var (rows, last, more) = await FilteredPageAsync(roomId, start, stop, backwards, size, eventFilter, upTo, ct);
        // "Backfilling": a page that runs out of history before the room's beginning (a room joined over federation)
        // asks a server in the room for older events, then is read again.
        for (var round = 0; backwards && stop is null && !more && rows.Count < size && round < MaxBackfillRounds; round++)
        {
            if (await remote.BackfillAsync(roomId, Math.Max(size - rows.Count, MinBackfill), ct) == 0) break;
            (rows, last, more) = await FilteredPageAsync(roomId, start, stop, backwards, size, eventFilter, upTo, ct);
        }
        rows = await access.VisibleAsync(requester.UserId, view, rows, ct);
        // "Ignoring Users": the page keeps its bounds, only the ignored users' non-state events are left out of it.
        var ignored = await ignoredUsers.OfAsync(requester.UserId, ct);
        if (ignored.Count > 0) rows = rows.Where(r => !IgnoredUsers.Hides(ignored, r.Sender, r.StateKey)).ToList();

        var chunk = await formatter.FormatAsync(rows, snapshot.Version, requester.UserId, requester.DeviceId, ct);
        var response = new JsonObject
        {
            ["start"] = from ?? start.ToString(),
            ["chunk"] = new JsonArray(chunk.ToArray<JsonNode>()),
        };
        if (more && last is { } end) response["end"] = end.ToString();
        if (eventFilter.LazyLoadMembers && rows.Count > 0)
        {
            // "Lazy-loading room members": the member events of the chunk's senders, as they are now.
            var senders = rows.Select(r => r.Sender).ToHashSet(StringComparer.Ordinal);
            var memberIds = snapshot.State.Where(kv => kv.Key.Type == EventTypes.Member && senders.Contains(kv.Key.Key)).Select(kv => kv.Value).ToList();
            var members = await formatter.FormatAsync(await rooms.EventRowsAsync(memberIds, ct), snapshot.Version, requester.UserId, requester.DeviceId, ct);
            response["state"] = new JsonArray(members.ToArray<JsonNode>());
        }
        return response;
    }

    /// <summary>
    /// Up to <paramref name="size"/> events passing the filter, walking from <paramref name="start"/> towards <paramref name="stop"/>;
    /// the position of the last event looked at, and whether the walk could go on.
    /// </summary>
    private async Task<(List<EventRow> Rows, PaginationToken? Last, bool More)> FilteredPageAsync(
        string roomId, PaginationToken start, PaginationToken? stop, bool backwards, int size, RoomEventFilter filter, long upTo, CancellationToken ct)
    {
        var picked = new List<EventRow>();
        PaginationToken? last = null;
        var cursor = start;
        var more = true;
        while (picked.Count < size && more)
        {
            var want = filter.IsOpen ? size - picked.Count : Math.Max(size, 100);
            var page = cursor.StreamOnly
                ? await rooms.PageByStreamAsync(roomId, cursor.Stream, backwards, want, upTo, ct)
                : await rooms.PageAsync(roomId, cursor.Depth, cursor.Stream, backwards, want, upTo, ct);
            more = page.Count == want;
            foreach (var row in page)
            {
                var position = backwards ? PaginationToken.Before(row.Depth, row.StreamOrdering) : PaginationToken.After(row.Depth, row.StreamOrdering);
                if (stop is { } bound && (backwards
                        ? (row.Depth, row.StreamOrdering).CompareTo((bound.Depth, bound.Stream)) < 0
                        : (row.Depth, row.StreamOrdering).CompareTo((bound.Depth, bound.Stream)) >= 0))
                {
                    more = false;
                    break;
                }
                last = position;
                if (filter.IsOpen || filter.Allows(row.Type, row.Sender, JsonNode.Parse(row.Json)?["content"] as JsonObject)) picked.Add(row);
                if (picked.Count == size)
                {
                    more = more || row != page[^1];
                    break;
                }
            }
            if (last is { } next) cursor = next;
        }
        return (picked, last, more && size > 0);
    }

    private static RoomEventFilter ParseFilter(string? filter)
    {
        if (string.IsNullOrEmpty(filter)) return RoomEventFilter.All;
        try
        {
            return RoomEventFilter.Parse(JsonNode.Parse(filter), "filter");
        }
        catch (System.Text.Json.JsonException)
        {
            throw MatrixError.InvalidParam("filter is not valid JSON");
        }
    }
}
