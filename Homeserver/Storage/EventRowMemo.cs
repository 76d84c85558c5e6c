using Messenger.Homeserver.Storage.Rows;

namespace Messenger.Homeserver.Storage;

/// <summary>
/// Stored event rows by id, for the state events <c>/sync</c> sends again and again: with lazy-loaded members every
/// woken sync of a big room sends the sender's and the user's own member events, and reading those two rows was a
/// query per sync. An event's row changes only when it is redacted (<c>redacted_by</c>) or when an outlier takes its
/// place in the room's history (received or backfilled); <see cref="EventPersister"/> invalidates the row at each of
/// those writes (at once and at commit, <see cref="AfterCommit"/>). A new writer of an <c>events</c> row must do the
/// same. One per process (see <see cref="InvalidatedMemo{TValue}"/> for what a second process would need).
/// </summary>
public sealed class EventRowMemo
{
    private readonly InvalidatedMemo<EventRow> rows = new(50_000);

    /// <summary>The rows of <paramref name="eventIds"/> (those that exist): kept ones, the rest read by one query. Do not modify them.</summary>
    public async Task<List<EventRow>> RowsAsync(RoomStore rooms, IReadOnlyCollection<string> eventIds, CancellationToken ct)
    {
        var found = new List<EventRow>(eventIds.Count);
        var missing = new List<string>();
        foreach (var id in eventIds)
        {
            if (rows.TryGet(id, out var row)) found.Add(row);
            else missing.Add(id);
        }
        if (missing.Count == 0) return found;
        var startedAt = rows.ReadStarts();
        foreach (var row in await rooms.EventRowsAsync(missing, ct))
        {
            rows.Keep(row.EventId, row, startedAt);
            found.Add(row);
        }
        return found;
    }

    /// <summary>Called (through <see cref="AfterCommit.Invalidate"/>) when the event's row changes.</summary>
    public void Invalidate(string eventId) => rows.Invalidate(eventId);
}
