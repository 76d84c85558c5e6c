using Messenger.Homeserver.Storage.Rows;
using Microsoft.EntityFrameworkCore;

namespace Messenger.Homeserver.Storage;

public sealed partial class RoomStore
{
    /// <summary>
    /// The ids in the auth chains of <paramref name="eventIds"/> (not the events themselves unless one authorises
    /// another): every event reachable over <c>auth_events</c>, in one recursive query.
    /// </summary>
    public async Task<List<string>> AuthChainIdsAsync(IReadOnlyCollection<string> eventIds, CancellationToken ct = default)
    {
        if (eventIds.Count == 0) return [];
        var starts = eventIds.ToArray();
        var result = new HashSet<string>(StringComparer.Ordinal);
        // Chunked so that a big state (a join to a large room) stays within the providers' parameter limits.
        foreach (var chunk in starts.Chunk(500))
        {
            var edges = await db.EventAuthEdges.TagWith("RoomStore.AuthChainStart").AsNoTracking()
                .Where(e => chunk.Contains(e.EventId)).Select(e => e.AuthEventId).Distinct().ToListAsync(ct);
            var frontier = edges.Where(result.Add).ToList();
            while (frontier.Count > 0)
            {
                var next = new List<string>();
                foreach (var part in frontier.Chunk(500))
                {
                    var more = await db.EventAuthEdges.TagWith("RoomStore.AuthChainStep").AsNoTracking()
                        .Where(e => part.Contains(e.EventId)).Select(e => e.AuthEventId).Distinct().ToListAsync(ct);
                    next.AddRange(more.Where(result.Add));
                }
                frontier = next;
            }
        }
        return [.. result];
    }

    /// <summary>Ids per query when they travel as one array parameter (a join looks up its whole state at once).</summary>
    internal const int LargeChunk = 5000;

    /// <summary>Of <paramref name="eventIds"/>, those some stored event lists in its <c>prev_events</c> (so not forward extremities).</summary>
    public async Task<HashSet<string>> ReferencedAsPrevAsync(IReadOnlyCollection<string> eventIds, CancellationToken ct = default)
    {
        if (eventIds.Count == 0) return [];
        var found = new HashSet<string>(StringComparer.Ordinal);
        foreach (var chunk in eventIds.Chunk(LargeChunk))
        {
            // One array parameter (EF.Parameter), not one per id: binding thousands of named parameters costs more than the query.
            found.UnionWith(await db.EventEdges.TagWith("RoomStore.ReferencedAsPrev").AsNoTracking()
                .Where(e => EF.Parameter(chunk).Contains(e.PrevEventId)).Select(e => e.PrevEventId).Distinct().ToListAsync(ct));
        }
        return found;
    }

    /// <summary>The distinct <c>prev_events</c> of <paramref name="eventIds"/>.</summary>
    public async Task<List<string>> PrevEventIdsAsync(IReadOnlyCollection<string> eventIds, CancellationToken ct = default)
    {
        var result = new List<string>();
        foreach (var chunk in eventIds.Chunk(500))
        {
            result.AddRange(await db.EventEdges.TagWith("RoomStore.PrevEventIds").AsNoTracking()
                .Where(e => chunk.Contains(e.EventId)).Select(e => e.PrevEventId).Distinct().ToListAsync(ct));
        }
        return [.. result.Distinct(StringComparer.Ordinal)];
    }

    /// <summary>How many deltas lie between a state group and its full snapshot (0 for none or unknown).</summary>
    public Task<int> ChainLengthAsync(long group, CancellationToken ct = default) =>
        group == 0 ? Task.FromResult(0)
        : db.StateGroups.TagWith("RoomStore.ChainLength").AsNoTracking().Where(g => g.Id == group).Select(g => g.ChainLength).FirstOrDefaultAsync(ct);

    /// <summary>Stored events of a room by id with their kind (any kind), in chunks for large sets.</summary>
    public async Task<List<EventRow>> StoredEventsAsync(IReadOnlyCollection<string> eventIds, CancellationToken ct = default)
    {
        var rows = new List<EventRow>(eventIds.Count);
        foreach (var chunk in eventIds.Chunk(LargeChunk))
            rows.AddRange(await db.Events.TagWith("RoomStore.StoredEvents").AsNoTracking().Where(e => EF.Parameter(chunk).Contains(e.EventId)).ToListAsync(ct));
        return rows;
    }

    /// <summary>
    /// The room's accepted redactions (live or back-filled) of any of <paramref name="targetIds"/>, as (redaction,
    /// target): a redaction may be stored before its target arrives.
    /// </summary>
    public async Task<List<(string EventId, string Target)>> RedactionsOfAsync(string roomId, IReadOnlyCollection<string> targetIds, CancellationToken ct = default)
    {
        var result = new List<(string EventId, string Target)>();
        foreach (var chunk in targetIds.Chunk(LargeChunk))
        {
            var rows = await db.Events.TagWith("RoomStore.RedactionsOf").AsNoTracking()
                .Where(e => e.Redacts != null && EF.Parameter(chunk).Contains(e.Redacts) && e.RoomId == roomId
                    && (e.Kind == EventKind.Timeline || e.Kind == EventKind.Backfilled))
                .Select(e => new { e.EventId, e.Redacts }).ToListAsync(ct);
            result.AddRange(rows.Select(r => (r.EventId, r.Redacts!)));
        }
        return result;
    }
}
