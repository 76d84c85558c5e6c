using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Events;
using Messenger.Homeserver.Auth;
using Messenger.Homeserver.Errors;
using Messenger.Homeserver.RoomServer;
using Messenger.Homeserver.Storage;
using Messenger.Homeserver.Storage.Rows;

namespace Messenger.Homeserver.ClientApi.Rooms;

/// <summary>Finding a place in a room's history: "Event Context" (<c>/context</c>) and <c>/timestamp_to_event</c>.</summary>
public sealed class EventContextService(RoomStore rooms, RelationsStore relations, RoomAccess access, ClientEventFormatter formatter, StreamPositions positions,
    FederationApi.RemoteTimestamps remote)
{
    private const int DefaultLimit = 10;
    private const int MaxLimit = 1000;

    /// <summary>
    /// GET /rooms/{roomId}/context/{eventId}: the event, up to half of <c>limit</c> events before it (newest first) and
    /// the rest after it (oldest first), <c>start</c>/<c>end</c> tokens that continue with <c>/messages</c> backwards and
    /// forwards, and the room state after the last event returned. Of the filter only <c>lazy_load_members</c> is
    /// applied: then the state holds just the member events of the returned events' senders ("Lazy-loading room members").
    /// History visibility applies: an event the user may not see is <c>M_NOT_FOUND</c>, and the events around it are
    /// those they may see, up to their leave for a former member.
    /// </summary>
    public async Task<JsonObject> GetContextAsync(Requester requester, string roomId, string eventId, int? limit, string? filter, CancellationToken ct)
    {
        var view = await access.RequireReadableAsync(roomId, requester.UserId, ct);
        var snapshot = view.Snapshot;
        var target = await rooms.EventRowAsync(eventId, ct);
        if (target is null || target.RoomId != roomId || target.Kind is not (Storage.Rows.EventKind.Timeline or Storage.Rows.EventKind.Backfilled) || !await access.IsVisibleAsync(requester.UserId, view, target, ct))
            throw MatrixError.NotFound("Event not found");
        if (limit < 0) throw MatrixError.InvalidParam("limit must not be negative");
        var lazyLoadMembers = LazyLoadMembers(filter);
        var total = Math.Min(limit ?? DefaultLimit, MaxLimit);
        var beforeCount = total / 2;

        var upTo = view.UpTo(positions.Current);
        var before = beforeCount == 0 ? [] : await rooms.PageAsync(roomId, target.Depth, target.StreamOrdering, backwards: true, beforeCount, upTo, ct);
        var afterCount = total - before.Count;
        var after = afterCount == 0 ? [] : await rooms.PageAsync(roomId, target.Depth, target.StreamOrdering + 1, backwards: false, afterCount, upTo, ct);
        // The tokens keep the pages' bounds; only what the user may not see is left out of them.
        var pageStart = before.Count > 0 ? before[^1] : target;
        var pageEnd = after.Count > 0 ? after[^1] : target;
        before = await access.VisibleAsync(requester.UserId, view, before, ct);
        after = await access.VisibleAsync(requester.UserId, view, after, ct);

        var last = pageEnd;
        var state = (await rooms.StateGroupAsync(last.StateGroupAfter, ct)).AsEnumerable();
        if (lazyLoadMembers)
        {
            var senders = before.Concat(after).Append(target).Select(e => e.Sender).ToHashSet(StringComparer.Ordinal);
            state = state.Where(kv => kv.Key.Type != EventTypes.Member || senders.Contains(kv.Key.Key));
        }
        var stateRows = (await rooms.EventRowsAsync(state.Select(kv => kv.Value).ToList(), ct)).OrderBy(r => r.StreamOrdering);

        // One batch, so bundled aggregations and unsigned data load once for every part of the answer.
        List<EventRow> all = [target, .. before, .. after, .. stateRows];
        var formatted = await formatter.FormatAsync(all, snapshot.Version, requester.UserId, requester.DeviceId, ct);
        var oldest = pageStart;
        return new JsonObject
        {
            ["event"] = formatted[0],
            ["events_before"] = new JsonArray(formatted.Skip(1).Take(before.Count).ToArray<JsonNode>()),
            ["events_after"] = new JsonArray(formatted.Skip(1 + before.Count).Take(after.Count).ToArray<JsonNode>()),
            ["state"] = new JsonArray(formatted.Skip(1 + before.Count + after.Count).ToArray<JsonNode>()),
            ["start"] = PaginationToken.Before(oldest.Depth, oldest.StreamOrdering).ToString(),
            ["end"] = PaginationToken.After(last.Depth, last.StreamOrdering).ToString(),
        };
    }

    /// <summary>
    /// GET /_matrix/client/v1/rooms/{roomId}/timestamp_to_event: the first event at or after <c>ts</c> (<c>dir=f</c>) or
    /// the last at or before it (<c>dir=b</c>), by <c>origin_server_ts</c>. When the history this server holds has none
    /// (it joined late, or the room is younger here), the other servers in the room are asked. None: <c>M_NOT_FOUND</c>.
    /// </summary>
    public async Task<JsonObject> TimestampToEventAsync(Requester requester, string roomId, string? ts, string? dir, CancellationToken ct)
    {
        var room = await access.RequireJoinedAsync(roomId, requester.UserId, ct);
        if (ts is null) throw MatrixError.MissingParam("ts");
        if (!long.TryParse(ts, NumberStyles.Integer, CultureInfo.InvariantCulture, out var timestamp)) throw MatrixError.InvalidParam("ts must be an integer");
        var forwards = dir switch
        {
            "f" => true,
            "b" => false,
            null => throw MatrixError.MissingParam("dir"),
            _ => throw MatrixError.InvalidParam("dir must be 'f' or 'b'"),
        };
        var local = await relations.NearestToTimestampAsync(roomId, timestamp, forwards, positions.Current, ct);
        var found = (local is not null ? (local.EventId, local.OriginServerTs) : await remote.AskAsync(room, timestamp, forwards, ct))
            ?? throw MatrixError.NotFound($"Unable to find event from {timestamp} in {(forwards ? "forward" : "backward")} direction");
        return new JsonObject { ["event_id"] = found.EventId, ["origin_server_ts"] = found.OriginServerTs };
    }

    /// <summary>The filter's <c>lazy_load_members</c>; a filter that is not a JSON object is <c>M_INVALID_PARAM</c>.</summary>
    private static bool LazyLoadMembers(string? filter)
    {
        if (string.IsNullOrEmpty(filter)) return false;
        JsonNode? parsed;
        try
        {
            parsed = JsonNode.Parse(filter);
        }
        catch (JsonException)
        {
            throw MatrixError.InvalidParam("filter must be a JSON RoomEventFilter");
        }
        if (parsed is not JsonObject filterObject) throw MatrixError.InvalidParam("filter must be a JSON RoomEventFilter");
        return filterObject["lazy_load_members"] is JsonValue v && v.TryGetValue(out bool lazy) && lazy;
    }
}
