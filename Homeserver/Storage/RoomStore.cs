using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Events;
using Messenger.Federation.Protocol.RoomVersions;
using Messenger.Homeserver.Storage.Rows;
using Microsoft.EntityFrameworkCore;

namespace Messenger.Homeserver.Storage;

/// <summary>Reads of rooms, events and state for the room server and the room APIs.</summary>
public sealed partial class RoomStore(HomeserverDbContext db, StateGroupCache stateGroups)
{
    public Task<RoomRow?> FindRoomAsync(string roomId, CancellationToken ct = default) =>
        db.Rooms.TagWith("RoomStore.FindRoom").AsNoTracking().FirstOrDefaultAsync(r => r.RoomId == roomId, ct);

    public async Task<Dictionary<StateKey, string>> CurrentStateAsync(string roomId, CancellationToken ct = default) =>
        await db.CurrentState.TagWith("RoomStore.CurrentState").AsNoTracking().Where(s => s.RoomId == roomId)
            .ToDictionaryAsync(s => new StateKey(s.Type, s.StateKey), s => s.EventId, ct);

    /// <summary>The current event of one state key, or null.</summary>
    public Task<string?> CurrentStateEventAsync(string roomId, string type, string stateKey, CancellationToken ct = default) =>
        db.CurrentState.TagWith("RoomStore.CurrentStateEvent").AsNoTracking()
            .Where(s => s.RoomId == roomId && s.Type == type && s.StateKey == stateKey).Select(s => s.EventId).FirstOrDefaultAsync(ct);

    public Task<List<ForwardExtremity>> ExtremitiesAsync(string roomId, CancellationToken ct = default) =>
        (from x in db.ForwardExtremities.TagWith("RoomStore.Extremities")
         join e in db.Events on x.EventId equals e.EventId
         where x.RoomId == roomId
         select new ForwardExtremity(e.EventId, e.Depth, e.StateGroupAfter)).ToListAsync(ct);

    /// <remarks>
    /// Collections here are bound as one parameter (<see cref="EF.Parameter{T}"/>: a JSON array on SQLite, an array on
    /// PostgreSQL), not one parameter per item: sync passes hundreds of ids, and SQLite looks each named parameter up
    /// by a linear search (thousands of string compares per id).
    /// </remarks>
    public Task<List<EventRow>> EventRowsAsync(IReadOnlyCollection<string> eventIds, CancellationToken ct = default)
    {
        var ids = ParameterList.Of(eventIds);
        return db.Events.TagWith("RoomStore.EventRows").AsNoTracking().Where(e => EF.Parameter(ids).Contains(e.EventId)).ToListAsync(ct);
    }

    public Task<EventRow?> EventRowAsync(string eventId, CancellationToken ct = default) =>
        db.Events.TagWith("RoomStore.EventRow").AsNoTracking().FirstOrDefaultAsync(e => e.EventId == eventId, ct);

    public Task<string?> TxnEventAsync(string userId, string deviceId, string txnId, CancellationToken ct = default) =>
        TxnEventQueries.GetOrAdd(db.GetType(), _ => EF.CompileAsyncQuery((HomeserverDbContext db, string userId, string deviceId, string txnId, CancellationToken ct) =>
            db.EventTxns.TagWith("RoomStore.TxnEvent").AsNoTracking()
                .Where(t => t.UserId == userId && t.DeviceId == deviceId && t.TxnId == txnId).Select(t => t.EventId).FirstOrDefault()))(db, userId, deviceId, txnId, ct);

    /// <summary>
    /// Compiled once per provider (a compiled query keeps the SQL of the first context it ran on; tests run both
    /// providers in one process): every send asks it, and EF's per-call expression work cost more than the lookup.
    /// </summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, Func<HomeserverDbContext, string, string, string, CancellationToken, Task<string?>>> TxnEventQueries = new();

    /// <summary>Transaction ids of events the given device sent: event id → txn id.</summary>
    /// <remarks>
    /// Found by event id alone, the device checked here: asked for (user, device) too, PostgreSQL's generic plan for a
    /// prepared statement scans all the device's transactions and tests each against the whole id array (an initial
    /// sync of 2,000 events of a user who sent 5,000 took 0.2 s); by event id it probes the index once per id.
    /// </remarks>
    public async Task<Dictionary<string, string>> TxnIdsAsync(IReadOnlyCollection<string> eventIds, string userId, string deviceId, CancellationToken ct = default)
    {
        var ids = ParameterList.Of(eventIds);
        var rows = await db.EventTxns.TagWith("RoomStore.TxnIds").AsNoTracking()
            .Where(t => EF.Parameter(ids).Contains(t.EventId))
            .Select(t => new { t.EventId, t.TxnId, t.UserId, t.DeviceId }).ToListAsync(ct);
        return rows.Where(t => t.UserId == userId && t.DeviceId == deviceId).ToDictionary(t => t.EventId, t => t.TxnId);
    }

    /// <summary>The rooms where the user's current membership is <paramref name="membership"/>.</summary>
    public Task<List<string>> RoomsWithMembershipAsync(string userId, string membership, CancellationToken ct = default) =>
        db.CurrentState.TagWith("RoomStore.RoomsWithMembership").AsNoTracking()
            .Where(s => s.Type == EventTypes.Member && s.StateKey == userId && s.Membership == membership)
            .Select(s => s.RoomId).ToListAsync(ct);

    /// <summary>The rooms where any of <paramref name="userIds"/> has current membership <paramref name="membership"/>, each once.</summary>
    public Task<List<string>> RoomsWithMembershipAsync(IReadOnlyCollection<string> userIds, string membership, CancellationToken ct = default) =>
        db.CurrentState.TagWith("RoomStore.RoomsWithMembershipOfAny").AsNoTracking()
            .Where(s => s.Type == EventTypes.Member && userIds.Contains(s.StateKey) && s.Membership == membership)
            .Select(s => s.RoomId).Distinct().ToListAsync(ct);

    /// <summary>The user's current membership in a room, or null.</summary>
    public Task<string?> MembershipAsync(string roomId, string userId, CancellationToken ct = default) =>
        db.CurrentState.TagWith("RoomStore.Membership").AsNoTracking()
            .Where(s => s.RoomId == roomId && s.Type == EventTypes.Member && s.StateKey == userId)
            .Select(s => s.Membership).FirstOrDefaultAsync(ct);

    /// <summary>Members of a room with a given current membership.</summary>
    public Task<List<string>> MembersAsync(string roomId, string membership, CancellationToken ct = default) =>
        db.CurrentState.TagWith("RoomStore.Members").AsNoTracking()
            .Where(s => s.RoomId == roomId && s.Type == EventTypes.Member && s.Membership == membership)
            .Select(s => s.StateKey).ToListAsync(ct);

    /// <summary>
    /// A page of a room's events in topological order (depth, then stream position) from the gap before
    /// <paramref name="fromDepth"/>/<paramref name="fromStream"/>: that event and later ones going forwards, earlier ones going backwards.
    /// Only events at or below <paramref name="upTo"/> (the complete part of the stream) are seen.
    /// </summary>
    public Task<List<EventRow>> PageAsync(string roomId, long fromDepth, long fromStream, bool backwards, int limit, long upTo, CancellationToken ct = default)
    {
        var query = db.Events.TagWith("RoomStore.Page").AsNoTracking().Where(e => e.RoomId == roomId && e.StreamOrdering <= upTo
            && (e.Kind == EventKind.Timeline || e.Kind == EventKind.Backfilled));
        query = backwards
            ? query.Where(e => e.Depth < fromDepth || (e.Depth == fromDepth && e.StreamOrdering < fromStream))
                .OrderByDescending(e => e.Depth).ThenByDescending(e => e.StreamOrdering)
            : query.Where(e => e.Depth > fromDepth || (e.Depth == fromDepth && e.StreamOrdering >= fromStream))
                .OrderBy(e => e.Depth).ThenBy(e => e.StreamOrdering);
        return query.Take(limit).ToListAsync(ct);
    }

    /// <summary>The room's earliest event in topological order that <c>/messages</c> shows (timeline or backfilled), or null.</summary>
    public Task<EventRow?> EarliestEventAsync(string roomId, CancellationToken ct = default) =>
        db.Events.TagWith("RoomStore.Earliest").AsNoTracking()
            .Where(e => e.RoomId == roomId && (e.Kind == EventKind.Timeline || e.Kind == EventKind.Backfilled))
            .OrderBy(e => e.Depth).ThenBy(e => e.StreamOrdering).FirstOrDefaultAsync(ct);

    /// <summary>The state group before the room's earliest timeline event (where this server's history of it starts), or 0.</summary>
    public Task<long> EarliestTimelineStateGroupAsync(string roomId, CancellationToken ct = default) =>
        db.Events.TagWith("RoomStore.EarliestTimelineGroup").AsNoTracking()
            .Where(e => e.RoomId == roomId && e.Kind == EventKind.Timeline)
            .OrderBy(e => e.Depth).ThenBy(e => e.StreamOrdering).Select(e => e.StateGroupBefore).FirstOrDefaultAsync(ct);

    /// <summary>A page of a room's events ordered by stream position alone, strictly before/after <paramref name="fromStream"/>.</summary>
    public Task<List<EventRow>> PageByStreamAsync(string roomId, long fromStream, bool backwards, int limit, long upTo, CancellationToken ct = default)
    {
        var query = db.Events.TagWith("RoomStore.PageByStream").AsNoTracking().Where(e => e.RoomId == roomId && e.StreamOrdering <= upTo
            && (e.Kind == EventKind.Timeline || e.Kind == EventKind.Backfilled));
        query = backwards
            ? query.Where(e => e.StreamOrdering < fromStream).OrderByDescending(e => e.StreamOrdering)
            : query.Where(e => e.StreamOrdering >= fromStream).OrderBy(e => e.StreamOrdering);
        return query.Take(limit).ToListAsync(ct);
    }

    /// <summary>A room's newest events in the stream window (<paramref name="after"/>, <paramref name="upTo"/>], newest first.</summary>
    public Task<List<EventRow>> RecentAsync(string roomId, long after, long upTo, int limit, CancellationToken ct = default) =>
        db.Events.TagWith("RoomStore.Recent").AsNoTracking()
            .Where(e => e.RoomId == roomId && e.StreamOrdering > after && e.StreamOrdering <= upTo)
            .OrderByDescending(e => e.StreamOrdering).Take(limit).ToListAsync(ct);

    /// <summary>Rooms with any event in the stream window (<paramref name="after"/>, <paramref name="upTo"/>].</summary>
    public Task<List<string>> RoomsWithEventsAsync(IReadOnlyCollection<string> roomIds, long after, long upTo, CancellationToken ct = default)
    {
        var ids = ParameterList.Of(roomIds);
        return db.Events.TagWith("RoomStore.RoomsWithEvents").AsNoTracking()
            .Where(e => EF.Parameter(ids).Contains(e.RoomId) && e.StreamOrdering > after && e.StreamOrdering <= upTo)
            .Select(e => e.RoomId).Distinct().ToListAsync(ct);
    }

    /// <summary>The user's membership events in the stream window, oldest first: which rooms they joined, were invited to, left.</summary>
    public Task<List<EventRow>> MembershipChangesAsync(string userId, long after, long upTo, CancellationToken ct = default) =>
        db.Events.TagWith("RoomStore.MembershipChanges").AsNoTracking()
            .Where(e => e.StateKey == userId && e.Type == EventTypes.Member && e.StreamOrdering > after && e.StreamOrdering <= upTo)
            .OrderBy(e => e.StreamOrdering).ToListAsync(ct);

    /// <summary>The rooms where the user has any current membership, with it.</summary>
    public Task<List<CurrentStateRow>> MembershipsOfAsync(string userId, CancellationToken ct = default) =>
        db.CurrentState.TagWith("RoomStore.MembershipsOf").AsNoTracking()
            .Where(s => s.Type == EventTypes.Member && s.StateKey == userId).ToListAsync(ct);

    /// <summary>Which of <paramref name="candidates"/> are joined to at least one of <paramref name="roomIds"/> (presence's audience), in one query.</summary>
    public async Task<HashSet<string>> JoinedAmongAsync(IReadOnlyCollection<string> roomIds, IReadOnlyCollection<string> candidates, CancellationToken ct = default)
    {
        if (roomIds.Count == 0 || candidates.Count == 0) return [];
        var (rooms, users) = (ParameterList.Of(roomIds), ParameterList.Of(candidates));
        var joined = await db.CurrentState.TagWith("RoomStore.JoinedAmong").AsNoTracking()
            .Where(s => s.Type == EventTypes.Member && s.Membership == Membership.Join && EF.Parameter(rooms).Contains(s.RoomId) && EF.Parameter(users).Contains(s.StateKey))
            .Select(s => s.StateKey).Distinct().ToListAsync(ct);
        return joined.ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>(user id, membership) of every member event in the current state of each of <paramref name="roomIds"/>, in one query.</summary>
    public async Task<Dictionary<string, List<(string UserId, string? Membership)>>> MemberListsAsync(IReadOnlyCollection<string> roomIds, CancellationToken ct = default)
    {
        if (roomIds.Count == 0) return [];
        var ids = ParameterList.Of(roomIds);
        var rows = await db.CurrentState.TagWith("RoomStore.MemberLists").AsNoTracking()
            .Where(s => EF.Parameter(ids).Contains(s.RoomId) && s.Type == EventTypes.Member)
            .Select(s => new { s.RoomId, s.StateKey, s.Membership }).ToListAsync(ct);
        return rows.GroupBy(r => r.RoomId).ToDictionary(g => g.Key, g => g.Select(r => (r.StateKey, r.Membership)).ToList());
    }

    /// <summary>The state group after the room's last event at or before a stream position (0: none yet).</summary>
    public async Task<long> StateGroupAtAsync(string roomId, long streamPosition, CancellationToken ct = default) =>
        await db.Events.TagWith("RoomStore.StateGroupAt").AsNoTracking()
            .Where(e => e.RoomId == roomId && e.StreamOrdering <= streamPosition && e.Kind == EventKind.Timeline)
            .OrderByDescending(e => e.StreamOrdering).Select(e => (long?)e.StateGroupAfter).FirstOrDefaultAsync(ct) ?? 0;

    public async Task<long> MaxStreamOrderingAsync(CancellationToken ct = default) =>
        await db.Events.TagWith("RoomStore.MaxStreamOrdering").MaxAsync(e => (long?)e.StreamOrdering, ct) ?? 0;

    /// <summary>
    /// A state group's full state: its delta chain is read in one recursive query, then only the deltas newer than the
    /// nearest cached group in the chain are applied (newest delta wins). The result is cached (groups never change).
    /// </summary>
    public async Task<ImmutableDictionary<StateKey, string>> StateGroupAsync(long groupId, CancellationToken ct = default)
    {
        if (groupId == 0) return ImmutableDictionary<StateKey, string>.Empty;
        if (stateGroups.TryGet(groupId, out var cached)) return cached;

        // Newest first: groupId, its prev, ... down to the full snapshot.
        var chain = await db.Database.SqlQuery<long>($"""
            WITH RECURSIVE chain(id, prev, n) AS (
                SELECT id, prev_group, 0 FROM state_groups WHERE id = {groupId}
                UNION ALL
                SELECT g.id, g.prev_group, c.n + 1 FROM state_groups g JOIN chain c ON g.id = c.prev)
            SELECT id AS "Value" FROM chain ORDER BY n
            """).TagWith("RoomStore.StateGroupChain").ToListAsync(ct);

        var baseIndex = chain.FindIndex(id => stateGroups.TryGet(id, out _));
        var state = baseIndex >= 0 && stateGroups.TryGet(chain[baseIndex], out var known) ? known.ToBuilder() : ImmutableDictionary.CreateBuilder<StateKey, string>();
        var needed = baseIndex >= 0 ? chain.Take(baseIndex).ToList() : chain;
        var entries = await db.StateGroupEntries.TagWith("RoomStore.StateGroupEntries").AsNoTracking()
            .Where(e => needed.Contains(e.GroupId)).ToListAsync(ct);
        foreach (var group in Enumerable.Reverse(needed))
        {
            foreach (var entry in entries.Where(e => e.GroupId == group))
            {
                var key = new StateKey(entry.Type, entry.StateKey);
                if (entry.EventId is null) state.Remove(key);
                else state[key] = entry.EventId;
            }
        }
        var result = state.ToImmutable();
        stateGroups.Set(groupId, result);
        return result;
    }

    /// <summary>Parses a stored event: its JSON was checked when it was built or received, so it is trusted here.</summary>
    public static Pdu ToPdu(EventRow row, RoomVersion version) =>
        new((JsonObject)JsonNode.Parse(row.Json)!, version, row.EventId);
}

/// <summary>A forward extremity with what building on it needs.</summary>
public sealed record ForwardExtremity(string EventId, long Depth, long StateGroupAfter);
