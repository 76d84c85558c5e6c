using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Events;
using Microsoft.EntityFrameworkCore;

namespace Messenger.Homeserver.Storage;

/// <summary>Reads sliding sync needs across many rooms at once: recency for sorting, and what list filters ask.</summary>
public sealed class SlidingSyncStore(HomeserverDbContext db)
{
    /// <summary>
    /// Per room, the stream position of its newest event and of its newest event of <paramref name="bumpTypes"/>, both at
    /// or below <paramref name="upTo"/>; one query of two correlated lookups per room, each an index seek on
    /// (room, stream ordering).
    /// </summary>
    public async Task<Dictionary<string, RoomActivity>> ActivityAsync(IReadOnlyCollection<string> roomIds, IReadOnlyCollection<string> bumpTypes, long upTo,
        CancellationToken ct)
    {
        if (roomIds.Count == 0) return [];
        var rows = await db.Rooms.TagWith("SlidingSyncStore.Activity").AsNoTracking()
            .Where(r => roomIds.Contains(r.RoomId))
            .Select(r => new
            {
                r.RoomId,
                Latest = db.Events.Where(e => e.RoomId == r.RoomId && e.StreamOrdering <= upTo).Max(e => (long?)e.StreamOrdering),
                Bump = db.Events.Where(e => e.RoomId == r.RoomId && e.StreamOrdering <= upTo && bumpTypes.Contains(e.Type)).Max(e => (long?)e.StreamOrdering),
            }).ToListAsync(ct);
        return rows.ToDictionary(r => r.RoomId, r => new RoomActivity(r.Latest ?? 0, r.Bump));
    }

    /// <summary>
    /// The user's membership events (their sender, position and the member event each replaced); the JSON only of
    /// invites, whose <c>is_direct</c> counts.
    /// </summary>
    public Task<List<MembershipEvent>> MembershipEventsAsync(IReadOnlyCollection<string> eventIds, CancellationToken ct) =>
        db.Events.TagWith("SlidingSyncStore.MembershipEvents").AsNoTracking().Where(e => eventIds.Contains(e.EventId))
            .Select(e => new MembershipEvent(e.EventId, e.RoomId, e.Sender, e.StreamOrdering, e.Membership, e.ReplacesState,
                e.Membership == Membership.Invite ? e.Json : null))
            .ToListAsync(ct);

    /// <summary>The membership each of <paramref name="eventIds"/> set (for what a leave replaced).</summary>
    public Task<Dictionary<string, string?>> MembershipsOfEventsAsync(IReadOnlyCollection<string> eventIds, CancellationToken ct) =>
        db.Events.TagWith("SlidingSyncStore.MembershipsOfEvents").AsNoTracking().Where(e => eventIds.Contains(e.EventId))
            .ToDictionaryAsync(e => e.EventId, e => e.Membership, ct);

    /// <summary>Per room: whether its current state has <c>m.room.encryption</c>, and its create event's <c>type</c>.</summary>
    public async Task<Dictionary<string, (bool Encrypted, string? RoomType)>> RoomFactsAsync(IReadOnlyCollection<string> roomIds, CancellationToken ct)
    {
        if (roomIds.Count == 0) return [];
        var state = await db.CurrentState.TagWith("SlidingSyncStore.RoomFacts").AsNoTracking()
            .Where(s => roomIds.Contains(s.RoomId) && s.StateKey == "" && (s.Type == EventTypes.Encryption || s.Type == EventTypes.Create))
            .Select(s => new { s.RoomId, s.Type, s.EventId }).ToListAsync(ct);
        var createIds = state.Where(s => s.Type == EventTypes.Create).Select(s => s.EventId).ToList();
        var creates = await db.Events.TagWith("SlidingSyncStore.CreateEvents").AsNoTracking()
            .Where(e => createIds.Contains(e.EventId)).Select(e => new { e.RoomId, e.Json }).ToListAsync(ct);
        var types = creates.ToDictionary(c => c.RoomId, c => (JsonNode.Parse(c.Json)?["content"]?["type"] as JsonValue)?.TryGetValue<string>(out var t) == true ? t : null);
        var encrypted = state.Where(s => s.Type == EventTypes.Encryption).Select(s => s.RoomId).ToHashSet();
        return roomIds.Distinct().ToDictionary(id => id, id => (encrypted.Contains(id), types.GetValueOrDefault(id)));
    }

    /// <summary>
    /// The children each space names in its current <c>m.space.child</c> state ("Spaces": a child event counts only
    /// with a <c>via</c> list; one without is a removed child).
    /// </summary>
    public async Task<Dictionary<string, HashSet<string>>> SpaceChildrenAsync(IReadOnlyCollection<string> spaceIds, CancellationToken ct)
    {
        if (spaceIds.Count == 0) return [];
        var ids = await db.CurrentState.TagWith("SlidingSyncStore.SpaceChildren").AsNoTracking()
            .Where(s => spaceIds.Contains(s.RoomId) && s.Type == "m.space.child").Select(s => s.EventId).ToListAsync(ct);
        var events = await db.Events.AsNoTracking().Where(e => ids.Contains(e.EventId)).Select(e => new { e.RoomId, e.StateKey, e.Json }).ToListAsync(ct);
        return events.Where(e => e.StateKey is not null && JsonNode.Parse(e.Json)?["content"]?["via"] is JsonArray { Count: > 0 })
            .GroupBy(e => e.RoomId).ToDictionary(g => g.Key, g => g.Select(e => e.StateKey!).ToHashSet(StringComparer.Ordinal));
    }
}

/// <summary>A membership event of the syncing user, with what sliding sync reads of it.</summary>
public sealed record MembershipEvent(string EventId, string RoomId, string Sender, long StreamOrdering, string? Membership, string? ReplacesState, string? InviteJson);

/// <summary>A room's newest event position and newest "bump" event position (null: none).</summary>
public sealed record RoomActivity(long Latest, long? Bump);
