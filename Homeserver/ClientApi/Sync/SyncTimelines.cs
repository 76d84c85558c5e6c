using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Events;
using Messenger.Homeserver.ClientApi.Filters;
using Messenger.Homeserver.ClientApi.Rooms;
using Messenger.Homeserver.RoomServer;
using Messenger.Homeserver.Storage;
using Messenger.Homeserver.Storage.Rows;

namespace Messenger.Homeserver.ClientApi.Sync;

/// <summary>
/// The event reads of an incremental sync: which joined rooms have events in the window, and each room's newest
/// events in it. The change cache rules rooms out without a query; for the few rooms left, the shared
/// <see cref="SyncTimelineTails"/> answers before the database is asked, so the syncs one event wakes read it once.
/// </summary>
public sealed class SyncTimelines(RoomStore rooms, SyncTimelineTails tails, StreamChanges changes, HistoryVisibilityFilter visibility, EventRowMemo eventRows)
{
    /// <summary>The rows of state events to send (the same member events for many syncs), through <see cref="EventRowMemo"/>.</summary>
    public Task<List<EventRow>> StateRowsAsync(IReadOnlyCollection<string> eventIds, CancellationToken ct) => eventRows.RowsAsync(rooms, eventIds, ct);

    /// <summary>Above this many candidate rooms one set-based query beats a tail per room.</summary>
    private const int TailedRooms = 8;

    /// <summary>The rooms among <paramref name="joinedRooms"/> with events in (<paramref name="from"/>, <paramref name="upTo"/>].</summary>
    public async Task<List<string>> RoomsWithEventsAsync(List<string> joinedRooms, long from, long upTo, CancellationToken ct)
    {
        var candidates = changes.Events.MayHaveChanged(joinedRooms, from);
        if (candidates.Count == 0) return [];
        if (candidates.Count > TailedRooms) return await rooms.RoomsWithEventsAsync(candidates, from, upTo, ct);
        var with = new List<string>();
        var unknown = new List<string>();
        foreach (var roomId in candidates)
        {
            switch (await tails.HasEventsAsync(rooms, roomId, from, upTo))
            {
                case true: with.Add(roomId); break;
                case null: unknown.Add(roomId); break;
            }
        }
        if (unknown.Count > 0) with.AddRange(await rooms.RoomsWithEventsAsync(unknown, from, upTo, ct));
        return with;
    }

    /// <summary>
    /// The room's newest events in (<paramref name="after"/>, <paramref name="upTo"/>] that pass the filter, oldest first,
    /// at most <paramref name="limit"/>; limited when more passed. Events are read in pages until enough pass.
    /// </summary>
    public Task<(List<EventRow> Rows, bool Limited)> TimelineRowsAsync(string roomId, long after, long upTo, int limit, RoomEventFilter filter, CancellationToken ct) =>
        TimelineRowsAsync(roomId, after, upTo, limit, filter, null, ct);

    /// <summary>
    /// <see cref="TimelineRowsAsync(string, long, long, int, RoomEventFilter, CancellationToken)"/> for many rooms, each
    /// after its own position (0: from the start, as for an initial sync or a room just joined), read together where that
    /// saves queries: the rooms from the start, and the others when they are more than the shared tails are worth
    /// (a woken sync has one or two). A room left out of the answer is read on its own.
    /// </summary>
    public async Task<Dictionary<string, (List<EventRow> Rows, bool Limited)>> TimelinesAsync(IReadOnlyCollection<(string RoomId, long After)> windows, long upTo,
        int limit, RoomEventFilter filter, CancellationToken ct)
    {
        var result = new Dictionary<string, (List<EventRow>, bool)>(StringComparer.Ordinal);
        foreach (var group in windows.GroupBy(w => w.After))
        {
            var roomIds = group.Select(w => w.RoomId).ToList();
            if (roomIds.Count < 2 || (group.Key > 0 && roomIds.Count <= TailedRooms)) continue;
            foreach (var (roomId, timeline) in await TimelinesAsync(roomIds, group.Key, upTo, limit, filter, ct)) result[roomId] = timeline;
        }
        return result;
    }

    /// <summary>
    /// <see cref="TimelineRowsAsync(string, long, long, int, RoomEventFilter, CancellationToken)"/> for many rooms over the
    /// same window: every room's first page comes from one query (<see cref="RoomStore.RecentInRoomsAsync"/>), so an
    /// initial sync of a hundred rooms reads their timelines together; only a room whose filter leaves too few events
    /// of its first page reads further pages on its own.
    /// </summary>
    public async Task<Dictionary<string, (List<EventRow> Rows, bool Limited)>> TimelinesAsync(IReadOnlyCollection<string> roomIds, long after, long upTo, int limit,
        RoomEventFilter filter, CancellationToken ct)
    {
        var firstPages = await rooms.RecentInRoomsAsync(roomIds, after, upTo, PageSize(filter, limit, 0), ct);
        var result = new Dictionary<string, (List<EventRow>, bool)>(StringComparer.Ordinal);
        foreach (var roomId in roomIds)
            result[roomId] = await TimelineRowsAsync(roomId, after, upTo, limit, filter, firstPages.GetValueOrDefault(roomId) ?? [], ct);
        return result;
    }

    private const int Page = 200;

    /// <summary>Rows to ask for: with an open filter exactly what is still needed (plus one to tell <c>limited</c>), else a page.</summary>
    private static int PageSize(RoomEventFilter filter, int limit, int picked) => filter.IsOpen ? limit + 1 - picked : Page;

    private async Task<(List<EventRow> Rows, bool Limited)> TimelineRowsAsync(string roomId, long after, long upTo, int limit, RoomEventFilter filter,
        List<EventRow>? firstPage, CancellationToken ct)
    {
        var picked = new List<EventRow>();
        var before = upTo;
        while (picked.Count <= limit)
        {
            var requested = PageSize(filter, limit, picked.Count);
            // An incremental window usually holds the newest few events, which the syncs woken with this one share.
            var page = firstPage ?? (after > 0 && filter.IsOpen && picked.Count == 0 ? await tails.RecentAsync(rooms, roomId, after, before, requested) : null)
                ?? await rooms.RecentAsync(roomId, after, before, requested, ct);
            picked.AddRange(filter.IsOpen ? page : page.Where(r => filter.Allows(r.Type, r.Sender, ContentOf(r))));
            firstPage = null;
            if (page.Count < requested) break;
            before = page[^1].StreamOrdering - 1;
        }
        var limited = picked.Count > limit;
        var rows = picked.Take(limit).ToList();
        rows.Reverse();
        return (rows, limited);
    }

    /// <summary>
    /// The events of a timeline that reaches back before the user's current join (<paramref name="joinEventId"/>) that
    /// "Room History Visibility" lets them see, as <c>/messages</c> shows them: with <c>joined</c> or <c>invited</c>
    /// visibility, nothing from before they joined (or were invited). A timeline that starts after the join is all theirs.
    /// </summary>
    public async Task<List<EventRow>> VisibleAsync(string userId, RoomSnapshot snapshot, string joinEventId, List<EventRow> rows, CancellationToken ct)
    {
        if (rows.Count == 0) return rows;
        var joinedAt = rows.FirstOrDefault(r => r.EventId == joinEventId)?.StreamOrdering;
        if (joinedAt is null)
        {
            var before = await rooms.StateGroupAsync(rows[0].StateGroupBefore, ct);
            if (before.GetValueOrDefault(new StateKey(EventTypes.Member, userId)) == joinEventId) return rows;
            joinedAt = (await rooms.EventRowAsync(joinEventId, ct))?.StreamOrdering;
        }
        return await visibility.VisibleAsync(userId, new RoomReadView(snapshot, Membership.Join, joinedAt, null, null), rows, ct);
    }

    private static JsonObject? ContentOf(EventRow row) => JsonNode.Parse(row.Json)?["content"] as JsonObject;
}
