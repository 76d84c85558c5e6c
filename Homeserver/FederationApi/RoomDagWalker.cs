using Messenger.Homeserver.Storage;
using Messenger.Homeserver.Storage.Rows;

namespace Messenger.Homeserver.FederationApi;

/// <summary>
/// Walks a room's DAG backwards over <c>prev_events</c> for <c>/backfill</c> and <c>/get_missing_events</c>
/// ("Backfilling and retrieving missing events"): breadth first, newest (deepest) first, never past the given limit,
/// skipping rejected events and outliers (no place in the DAG); backfilled history is served on. Soft-failed events are returned only when an event
/// being walked cites them, as "Soft failure" allows.
/// </summary>
public sealed class RoomDagWalker(RoomStore rooms)
{
    /// <summary>
    /// The events before <paramref name="starts"/>: with <paramref name="includeStarts"/> the starts themselves first
    /// (backfill), otherwise only their ancestors (missing events), not entering <paramref name="stopAt"/>.
    /// </summary>
    public async Task<List<EventRow>> WalkAsync(string roomId, IReadOnlyCollection<string> starts, bool includeStarts, IReadOnlySet<string> stopAt, int limit, long minDepth, CancellationToken ct)
    {
        var seen = new HashSet<string>(stopAt, StringComparer.Ordinal);
        var result = new List<EventRow>();
        var frontier = new List<string>();
        if (includeStarts) frontier.AddRange(starts.Where(seen.Add));
        else
        {
            foreach (var id in starts) seen.Add(id);
            frontier.AddRange((await rooms.PrevEventIdsAsync(starts, ct)).Where(seen.Add));
        }
        while (frontier.Count > 0 && result.Count < limit)
        {
            var rows = (await rooms.StoredEventsAsync(frontier, ct))
                .Where(r => r.RoomId == roomId && r.Kind is EventKind.Timeline or EventKind.SoftFailed or EventKind.Backfilled && r.Depth >= minDepth)
                .OrderByDescending(r => r.Depth).ThenBy(r => r.EventId, StringComparer.Ordinal).ToList();
            rows = rows.Take(limit - result.Count).ToList();
            result.AddRange(rows);
            frontier = (await rooms.PrevEventIdsAsync(rows.Select(r => r.EventId).ToList(), ct)).Where(seen.Add).ToList();
        }
        return result;
    }
}
