using Messenger.Homeserver.RoomServer.Remote;
using Messenger.Homeserver.Storage.Rows;
using Microsoft.EntityFrameworkCore;

namespace Messenger.Homeserver.Storage;

public sealed partial class EventPersister
{
    /// <summary>
    /// Persists backfilled history ("Backfilling and retrieving missing events") in one transaction: accepted events as
    /// <see cref="EventKind.Backfilled"/>, rejected ones as rejected, with their edges, negated stream positions (never on
    /// the live stream) and a depth below <paramref name="depthCeiling"/> (this server's earliest event), so that
    /// <c>/messages</c> orders them under the existing history whatever depth the remote claimed. An event stored as an
    /// outlier (the state of a join) now takes its place in history; events stored otherwise are left alone. No state,
    /// no extremities, no notification. <paramref name="redactions"/> (target, redaction) take effect once the rows are in,
    /// as live ones do: the target is served redacted and leaves the search index. Returns how many events became
    /// visible history.
    /// </summary>
    public async Task<int> PersistBackfillAsync(string roomId, IReadOnlyList<BackfilledEvent> events, IReadOnlyList<(string Target, string Redaction)> redactions,
        long depthCeiling, CancellationToken ct)
    {
        if (events.Count == 0) return 0;
        var allocated = new List<long>(events.Count);
        var added = 0;
        using var writing = await transactions.EnterAsync(scopedDb, ct);
        db = writing.Db;
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var ids = events.Select(e => e.Pdu.EventId).ToList();
            var stored = await db.Events.TagWith("EventPersister.StoredBackfill").Where(e => ids.Contains(e.EventId)).ToDictionaryAsync(e => e.EventId, ct);
            // Newest first: positions are negated, so older events get lower ones and a backwards page meets them in order.
            foreach (var e in events.OrderByDescending(e => e.Pdu.Depth))
            {
                var kind = e.Rejection is null ? EventKind.Backfilled : EventKind.Rejected;
                var depth = Math.Min(e.Pdu.Depth, depthCeiling - 1);
                if (stored.TryGetValue(e.Pdu.EventId, out var row))
                {
                    if (row.Kind != EventKind.Outlier) continue;
                    row.Kind = kind;
                    RowChanged(row.EventId);
                    row.Depth = depth;
                    row.RejectionReason = e.Rejection;
                    AddEdges(e.Pdu, prevEdges: true, authEdges: false);
                }
                else
                {
                    var position = positions.Allocate();
                    allocated.Add(position);
                    row = await NewRowAsync(roomId, e.Pdu, -position, kind, 0, 0, null, ct);
                    row.Depth = depth;
                    row.RejectionReason = e.Rejection;
                    db.Events.Add(row);
                    AddEdges(e.Pdu, prevEdges: true, authEdges: true);
                    stored[e.Pdu.EventId] = row;
                }
                if (kind == EventKind.Backfilled) added++;
            }
            await db.SaveChangesAsync(ct);
            // Once the rows are in: a redaction may target an event of this same batch.
            foreach (var (target, redaction) in redactions) await ApplyRedactionAsync(roomId, target, redaction, ct);
            await transaction.CommitAsync(ct);
            await writing.CommittedAsync(transaction);
            return added;
        }
        finally
        {
            db = null!; // only a batch in progress has a context
            foreach (var position in allocated) positions.Finish(position);
        }
    }
}
