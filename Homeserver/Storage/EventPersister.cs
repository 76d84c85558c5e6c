using System.Collections.Immutable;
using Messenger.Federation.Protocol.Events;
using Messenger.Homeserver.Push;
using Messenger.Homeserver.RoomServer;
using Messenger.Homeserver.Storage.Rows;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Messenger.Homeserver.Storage;

/// <summary>
/// Step 3 of the event path: persists authorised events of one room in one transaction — the events with their
/// stream positions, DAG and auth edges, the state delta (a new state group per state event, id = its stream
/// position), the current state and memberships, the new forward extremities and client transaction ids, and for
/// local events their notifications and their places in the federation queue. Either everything is stored or nothing.
/// </summary>
public sealed partial class EventPersister(HomeserverDbContext scopedDb, StreamPositions positions, EventTransactions transactions, StateGroupCache stateGroups,
    TimeProvider time, StreamChanges changes, LocalEventFanout fanout, EventRowMemo eventRows)
{
    /// <summary>The context of the batch being written (set while it is): the request's own, or SQLite's event writer (<see cref="EventTransactions"/>).</summary>
    private HomeserverDbContext db = null!;

    /// <summary>State group chains longer than this get a full snapshot, bounding the rows a state read touches.</summary>
    private const int MaxChainLength = 50;

    /// <summary>
    /// Persists <paramref name="events"/> (in order, each building on the previous) on top of <paramref name="before"/>.
    /// <paramref name="newRoom"/> is inserted with them when the batch creates the room, and the batch's
    /// <paramref name="notifications"/> are stored with them. Returns the room's new snapshot.
    /// </summary>
    public async Task<PersistResult> PersistAsync(RoomSnapshot before, IReadOnlyList<NewEvent> events, RoomRow? newRoom, PushOutcome notifications, CancellationToken ct)
    {
        var allocated = new List<long>(events.Count);
        using var writing = await transactions.EnterAsync(scopedDb, ct);
        db = writing.Db;
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            if (newRoom is not null) db.Rooms.Add(newRoom);

            var state = before.State;
            var group = before.StateGroup;
            int? chainLength = null; // read only for a batch with state events: messages never need it
            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            var orderings = new List<long>(events.Count);
            var rows = new List<EventRow>(events.Count);
            var newGroups = new List<(long Id, ImmutableDictionary<StateKey, string> State)>();
            var federation = await fanout.BeginAsync(db, before.RoomId, ct);
            var pending = new PendingRows();
            var redactions = new List<(string Target, string Redaction)>();

            foreach (var (pdu, txnId, deviceId) in events)
            {
                var position = positions.Allocate();
                allocated.Add(position);
                orderings.Add(position);
                NoteChange(before.RoomId, pdu, position);
                var groupBefore = group;
                string? replaces = null;
                if (pdu.StateTuple is { } key)
                {
                    replaces = state.GetValueOrDefault(key);
                    chainLength ??= group == 0 ? 0 : await ChainLengthAsync(group, ct);
                    var full = group == 0 || chainLength >= MaxChainLength;
                    pending.StateGroups.Add(new StateGroupRow { Id = position, RoomId = before.RoomId, PrevGroup = full ? null : group, ChainLength = full ? 0 : chainLength.Value + 1 });
                    state = state.SetItem(key, pdu.EventId);
                    var entries = full ? state.Select(kv => (kv.Key, kv.Value)) : [(key, pdu.EventId)];
                    foreach (var (entryKey, eventId) in entries)
                        pending.StateGroupEntries.Add(new StateGroupEntryRow { GroupId = position, Type = entryKey.Type, StateKey = entryKey.Key, EventId = eventId });
                    chainLength = full ? 0 : chainLength.Value + 1;
                    group = position;
                    newGroups.Add((position, state));
                    await UpsertCurrentStateAsync(before.RoomId, key, pdu.EventId, MembershipOf(pdu), ct);
                    await RoomSummaries.StageAsync(db, before.RoomId, key.Type, key.Key, pdu.Content, ct);
                    if (key.Type == EventTypes.Member) await UserDirectoryIndex.StageMemberAsync(db, key.Key, pdu.Content, ct);
                }

                federation.Add(pdu, position, now);
                var row = await NewRowAsync(before.RoomId, pdu, position, EventKind.Timeline, groupBefore, group, replaces, ct, pending);
                rows.Add(row);
                pending.Events.Add(row);
                if (EventSearchIndex.EntryOf(db, pdu, before.RoomId, position) is { } entry) pending.Search.Add(entry);
                // The C-S API checked the sender may redact it; serve the target redacted from now on.
                if (pdu.Redacts is { } redacted) redactions.Add((redacted, pdu.EventId));
                pending.AddEdges(pdu, prevEdges: true, authEdges: true);
                if (txnId is not null && deviceId is not null)
                    pending.Transactions.Add(new EventTxnRow { UserId = pdu.Sender, DeviceId = deviceId, TxnId = txnId, EventId = pdu.EventId, CreatedTs = now });
            }

            // Forward extremities: the events the batch cites are no longer extremities; its uncited events are. With
            // more than MaxPrevEvents open branches a local event cites only some, and the others stay open.
            var last = events[^1].Pdu;
            var replaced = events.SelectMany(e => e.Pdu.PrevEventIds).ToHashSet(StringComparer.Ordinal);
            var added = events.Select(e => e.Pdu.EventId).Where(id => !replaced.Contains(id)).ToList();
            var gone = before.Extremities.Where(replaced.Contains).ToList();
            if (gone.Count == 1 && added.Count == 1)
            {
                // A message on a linear room: one statement moves the extremity instead of a delete and an insert.
                pending.Statements.Add(MoveExtremity(before.RoomId, gone[0], added[0]));
            }
            else
            {
                foreach (var id in gone) pending.Statements.Add(DeleteExtremity(before.RoomId, id));
                foreach (var id in added) pending.Extremities.Add(new ForwardExtremityRow { RoomId = before.RoomId, EventId = id });
            }
            await StageNotificationsAsync(before.RoomId, notifications, rows, pending, ct);
            if (newRoom is not null) newRoom.CurrentStateGroup = group;
            else if (group != before.StateGroup) await SetCurrentStateGroupAsync(before.RoomId, group, ct);

            // PostgreSQL: when the rows are all the batch still has to write, the COMMIT travels with them (one round trip).
            var commitWithRows = redactions.Count == 0 && db.Database.GetDbConnection() is NpgsqlConnection && !db.ChangeTracker.HasChanges();
            await pending.FlushAsync(db, ct, commitWithRows);
            if (commitWithRows)
            {
                AfterCommit.Committed(db);
            }
            else
            {
                await db.SaveChangesAsync(ct);
                // Once the rows are in, as for received batches: the target may have been sent in this same batch.
                foreach (var (target, redaction) in redactions) await ApplyRedactionAsync(before.RoomId, target, redaction, ct);
                await transaction.CommitAsync(ct);
            }
            await writing.CommittedAsync(transaction); // the next writer may begin while the disk syncs
            federation.Committed();
            foreach (var (id, full) in newGroups) stateGroups.Set(id, full);
            var extremities = before.Extremities.Where(id => !replaced.Contains(id)).Concat(added).ToImmutableArray();
            var after = before with { State = state, Extremities = extremities, MaxDepth = Math.Max(before.MaxDepth, last.Depth), StateGroup = group };
            return new PersistResult(after, orderings, notifications);
        }
        catch (Exception e) when (TxnIdTakenException.IsConflict(e))
        {
            // Rolled back: what the batch staged in the context is not in the database.
            db.ChangeTracker.Clear();
            throw new TxnIdTakenException(e);
        }
        finally
        {
            db = null!; // only a batch in progress has a context
            foreach (var position in allocated) positions.Finish(position);
        }
    }

    /// <summary>
    /// The batch's notifications, at their events' positions and threads, and the senders' own notifications up to
    /// their events marked read ("Marking notifications as read": sending an event counts as reading up to it).
    /// </summary>
    private Task StageNotificationsAsync(string roomId, PushOutcome notifications, List<EventRow> rows, PendingRows pending, CancellationToken ct)
    {
        foreach (var (i, row) in notifications.Notifications)
        {
            row.StreamOrdering = rows[i].StreamOrdering;
            row.ThreadId = rows[i].ThreadId;
        }
        var read = notifications.ReadBySending.Select(r => (r.UserId, RoomId: roomId, rows[r.Event].StreamOrdering, ThreadId: rows[r.Event].ThreadId ?? PushActionStore.MainThread))
            .GroupBy(r => (r.UserId, r.ThreadId)).Select(g => g.MaxBy(r => r.StreamOrdering));
        return PushActionStore.StageAsync(db, notifications.Notifications.Select(n => n.Row), read, ct, pending);
    }

    /// <summary>Tells the sync change caches about an event before its position can finish (see <see cref="StreamChangeCache"/>).</summary>
    private void NoteChange(string roomId, Pdu pdu, long position)
    {
        changes.Events.Changed(roomId, position);
        if (pdu.Type != EventTypes.Member || pdu.StateKey is not { } target) return;
        changes.RoomMembers.Changed(roomId, position);
        changes.Memberships.Changed(target, position);
    }

    private async Task<EventRow> NewRowAsync(string roomId, Pdu pdu, long streamOrdering, EventKind kind, long groupBefore, long groupAfter, string? replaces, CancellationToken ct,
        PendingRows? pending = null)
    {
        var relation = EventRelation.Of(pdu.Content);
        return new EventRow
        {
            EventId = pdu.EventId, RoomId = roomId, StreamOrdering = streamOrdering, Depth = pdu.Depth, Type = pdu.Type,
            StateKey = pdu.StateKey, Sender = pdu.Sender, OriginServerTs = pdu.OriginServerTs, Membership = MembershipOf(pdu),
            Json = WithoutUnsigned(pdu), StateGroupBefore = groupBefore, StateGroupAfter = groupAfter, ReplacesState = replaces,
            RelatesToId = relation?.ParentId, RelType = relation?.RelType, Redacts = pdu.Type == EventTypes.Redaction ? pdu.Redacts : null,
            ThreadId = kind is EventKind.Timeline or EventKind.Backfilled ? await ThreadOfAsync(roomId, relation, pending, ct) : null, Kind = kind,
        };
    }

    private void AddEdges(Pdu pdu, bool prevEdges, bool authEdges)
    {
        if (prevEdges)
        {
            foreach (var prev in pdu.PrevEventIds.Distinct(StringComparer.Ordinal)) db.EventEdges.Add(new EventEdgeRow { EventId = pdu.EventId, PrevEventId = prev });
        }
        if (authEdges)
        {
            foreach (var auth in pdu.AuthEventIds.Distinct(StringComparer.Ordinal)) db.EventAuthEdges.Add(new EventAuthEdgeRow { EventId = pdu.EventId, AuthEventId = auth });
        }
    }

    /// <summary>Serves the target redacted from now on and takes it out of the search index.</summary>
    private async Task ApplyRedactionAsync(string roomId, string redacted, string redactionId, CancellationToken ct)
    {
        await EventSearchIndex.RemoveAsync(db, redacted, ct);
        await db.Events.TagWith("EventPersister.ApplyRedaction").Where(e => e.EventId == redacted && e.RoomId == roomId && e.RedactedBy == null)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.RedactedBy, redactionId), ct);
        RowChanged(redacted);
    }

    /// <summary>An existing event row changed (redacted, or an outlier placed in the DAG): <see cref="EventRowMemo"/> forgets it, now and at commit.</summary>
    private void RowChanged(string eventId) => AfterCommit.Invalidate(db, () => eventRows.Invalidate(eventId));

    private static (string Sql, object?[] Values) DeleteExtremity(string roomId, string eventId) =>
        ("DELETE FROM forward_extremities WHERE room_id = @p0 AND event_id = @p1", [roomId, eventId]);

    private static (string Sql, object?[] Values) MoveExtremity(string roomId, string from, string to) =>
        ("UPDATE forward_extremities SET event_id = @p2 WHERE room_id = @p0 AND event_id = @p1", [roomId, from, to]);

    private Task SetCurrentStateGroupAsync(string roomId, long group, CancellationToken ct) =>
        db.Rooms.TagWith("EventPersister.CurrentStateGroup").Where(r => r.RoomId == roomId)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.CurrentStateGroup, group), ct);

    private async Task UpsertCurrentStateAsync(string roomId, StateKey key, string eventId, string? membership, CancellationToken ct)
    {
        var row = db.CurrentState.Local.FirstOrDefault(s => s.RoomId == roomId && s.Type == key.Type && s.StateKey == key.Key)
            ?? await db.CurrentState.FirstOrDefaultAsync(s => s.RoomId == roomId && s.Type == key.Type && s.StateKey == key.Key, ct);
        if (row is null)
        {
            db.CurrentState.Add(new CurrentStateRow { RoomId = roomId, Type = key.Type, StateKey = key.Key, EventId = eventId, Membership = membership });
        }
        else
        {
            row.EventId = eventId;
            row.Membership = membership;
        }
    }

    /// <summary>
    /// The thread an event joins: the root for an <c>m.thread</c> child, else the thread of its parent (an edit or
    /// reaction of a threaded event is in that thread; one relating to the root stays in the main timeline).
    /// Each stored event carries its thread, so one lookup covers any number of hops.
    /// </summary>
    private async Task<string?> ThreadOfAsync(string roomId, EventRelation? relation, PendingRows? pending, CancellationToken ct)
    {
        if (relation is not { } r) return null;
        if (r.RelType == EventRelation.Thread) return r.ParentId;
        if (pending?.Events.FindLast(e => e.EventId == r.ParentId) is { } inBatch) return inBatch.ThreadId;
        if (db.Events.Local.FirstOrDefault(e => e.EventId == r.ParentId) is { } tracked) return tracked.ThreadId;
        return await db.Events.TagWith("EventPersister.ThreadOf").AsNoTracking()
            .Where(e => e.EventId == r.ParentId && e.RoomId == roomId).Select(e => e.ThreadId).FirstOrDefaultAsync(ct);
    }

    private Task<int> ChainLengthAsync(long group, CancellationToken ct) =>
        db.StateGroups.TagWith("EventPersister.ChainLength").Where(g => g.Id == group).Select(g => g.ChainLength).FirstOrDefaultAsync(ct);

    private static string? MembershipOf(Pdu pdu) =>
        pdu.Type == EventTypes.Member && pdu.Content["membership"] is System.Text.Json.Nodes.JsonValue v && v.TryGetValue(out string? m) ? m : null;

    private static string WithoutUnsigned(Pdu pdu)
    {
        if (pdu.Json["unsigned"] is null) return pdu.Json.ToJsonString(StoredJson.Options);
        var copy = pdu.Json.DeepClone().AsObject();
        copy.Remove("unsigned");
        return copy.ToJsonString(StoredJson.Options);
    }
}

/// <summary>The room after a persisted batch, the stream positions its events got, and the notifications stored with them (local batches).</summary>
public sealed record PersistResult(RoomSnapshot Snapshot, IReadOnlyList<long> StreamOrderings, PushOutcome? Notifications = null);
