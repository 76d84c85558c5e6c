using System.Collections.Immutable;
using Messenger.Federation.Protocol.Events;
using Messenger.Homeserver.RoomServer.Remote;
using Messenger.Homeserver.Storage.Rows;
using Microsoft.EntityFrameworkCore;

namespace Messenger.Homeserver.Storage;

public sealed partial class EventPersister
{
    /// <summary>
    /// Persists received events (server-server API, "Checks performed on receipt of a PDU") in one transaction, the
    /// same one shape as local events: outliers without state, timeline events with positive stream positions, soft-failed
    /// and rejected events with negative ones (stored for the protocol, never in a sync window), their edges, the new
    /// state groups, the current state delta (which a state resolution may shrink as well as grow), the forward
    /// extremities and the current state group. An event first stored as an outlier and later received with its state
    /// is updated in place. The timeline events of a membership handshake we answer as the resident server
    /// (<see cref="RemotePersistBatch.RelayFrom"/>) are queued for the room's other servers in the same transaction
    /// (<see cref="LocalEventFanout.BeginRelayAsync"/>), so a crash after the commit cannot lose the relay. Returns the
    /// room after the batch and the stream positions of its timeline events.
    /// </summary>
    public async Task<PersistResult> PersistRemoteAsync(RemotePersistBatch batch, CancellationToken ct)
    {
        var before = batch.Before;
        var after = batch.After;
        var roomId = after.RoomId;
        var allocated = new List<long>(batch.Events.Count + batch.Outliers.Count);
        using var writing = await transactions.EnterAsync(scopedDb, ct);
        db = writing.Db;
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            if (batch.NewRoom is not null)
            {
                batch.NewRoom.CurrentStateGroup = after.StateGroup;
                db.Rooms.Add(batch.NewRoom);
            }
            var relay = batch.RelayFrom is { } relayFrom ? await fanout.BeginRelayAsync(db, roomId, relayFrom, ct) : null;
            var now = time.GetUtcNow().ToUnixTimeMilliseconds();

            var ids = batch.Events.Select(e => e.Pdu.EventId).Concat(batch.Outliers.Select(o => o.EventId)).ToList();
            var stored = new Dictionary<string, EventRow>(StringComparer.Ordinal);
            foreach (var chunk in ids.Chunk(RoomStore.LargeChunk))
            {
                foreach (var row in await db.Events.TagWith("EventPersister.StoredOutliers").Where(e => EF.Parameter(chunk).Contains(e.EventId)).ToListAsync(ct))
                    stored[row.EventId] = row;
            }

            var rows = new PendingRows();
            foreach (var group in batch.Groups)
            {
                rows.StateGroups.Add(new StateGroupRow { Id = group.Id, RoomId = roomId, PrevGroup = group.PrevGroup, ChainLength = group.ChainLength });
                foreach (var (key, eventId) in group.Entries)
                    rows.StateGroupEntries.Add(new StateGroupEntryRow { GroupId = group.Id, Type = key.Type, StateKey = key.Key, EventId = eventId });
            }

            foreach (var outlier in batch.Outliers)
            {
                if (stored.ContainsKey(outlier.EventId)) continue;
                var position = positions.Allocate();
                allocated.Add(position);
                NoteChange(roomId, outlier, position);
                rows.Events.Add(await NewRowAsync(roomId, outlier, -position, EventKind.Outlier, 0, 0, null, ct));
                rows.AddEdges(outlier, prevEdges: false, authEdges: true);
            }

            var orderings = new List<long>();
            var redactions = new List<(string Target, string Redaction)>();
            foreach (var e in batch.Events)
            {
                var position = positions.Allocate();
                allocated.Add(position);
                NoteChange(roomId, e.Pdu, position);
                var ordering = e.Kind == EventKind.Timeline ? position : -position;
                if (e.Kind == EventKind.Timeline)
                {
                    orderings.Add(position);
                    relay?.Add(e.Pdu, position, now);
                }
                var row = await NewRowAsync(roomId, e.Pdu, ordering, e.Kind, e.StateGroupBefore, e.StateGroupAfter, e.ReplacesState, ct, rows);
                row.RejectionReason = e.RejectionReason;
                if (stored.TryGetValue(e.Pdu.EventId, out var outlierRow))
                {
                    // Known so far only as an outlier (e.g. from a join's auth chain): now it has its place in the DAG.
                    db.Entry(outlierRow).CurrentValues.SetValues(row);
                    RowChanged(outlierRow.EventId);
                    rows.AddEdges(e.Pdu, prevEdges: true, authEdges: false);
                }
                else
                {
                    rows.Events.Add(row);
                    rows.AddEdges(e.Pdu, prevEdges: true, authEdges: true);
                }
                if (e.Kind == EventKind.Timeline && EventSearchIndex.EntryOf(db, e.Pdu, roomId, position) is { } entry) rows.Search.Add(entry);
                if (e.RedactionTarget is { } target) redactions.Add((target, e.Pdu.EventId));
                if (e.RedactedBy is { } redactedBy) redactions.Add((e.Pdu.EventId, redactedBy));
            }

            // A state resolution may change a user's membership without a member event of theirs in the batch (a state
            // reset): their memberships count as changed at this batch's last position, taken now if it has none.
            if (allocated.Count == 0) allocated.Add(positions.Allocate());
            if (!ReferenceEquals(before.State, after.State))
            foreach (var key in after.State.Where(kv => !before.State.TryGetValue(kv.Key, out var old) || old != kv.Value).Select(kv => kv.Key)
                .Concat(before.State.Keys.Where(k => !after.State.ContainsKey(k))).Where(k => k.Type == EventTypes.Member))
            {
                changes.Memberships.Changed(key.Key, allocated[^1]);
                changes.RoomMembers.Changed(roomId, allocated[^1]);
            }
            await ApplyCurrentStateDeltaAsync(roomId, before.State, after.State, batch, rows, ct);
            foreach (var gone in before.Extremities.Except(after.Extremities)) rows.Statements.Add(DeleteExtremity(roomId, gone));
            foreach (var id in after.Extremities.Except(before.Extremities)) db.ForwardExtremities.Add(new ForwardExtremityRow { RoomId = roomId, EventId = id });
            if (batch.NewRoom is null && after.StateGroup != before.StateGroup) await SetCurrentStateGroupAsync(roomId, after.StateGroup, ct);

            await rows.FlushAsync(db, ct);
            await db.SaveChangesAsync(ct);
            // Once the rows are in: a redaction may target an event of this same batch.
            foreach (var (target, redaction) in redactions) await ApplyRedactionAsync(roomId, target, redaction, ct);
            await transaction.CommitAsync(ct);
            await writing.CommittedAsync(transaction); // the next writer may begin while the disk syncs
            relay?.Committed();
            foreach (var group in batch.Groups) stateGroups.Set(group.Id, group.State);
            return new PersistResult(after, orderings);
        }
        finally
        {
            db = null!; // only a batch in progress has a context
            foreach (var position in allocated) positions.Finish(position);
        }
    }

    /// <summary>Writes the keys whose event changed, adds new ones and deletes keys a state resolution dropped.</summary>
    private async Task ApplyCurrentStateDeltaAsync(string roomId, ImmutableDictionary<StateKey, string> before, ImmutableDictionary<StateKey, string> after, RemotePersistBatch batch, PendingRows rows, CancellationToken ct)
    {
        if (ReferenceEquals(before, after)) return;
        var changed = after.Where(kv => !before.TryGetValue(kv.Key, out var old) || old != kv.Value).ToList();
        var removed = before.Keys.Where(k => !after.ContainsKey(k)).ToList();
        if (changed.Count == 0 && removed.Count == 0) return;

        // Memberships come from the events: those of the batch in memory, any older one (a state reset) from its row.
        var known = new Dictionary<string, Pdu>(StringComparer.Ordinal);
        foreach (var pdu in batch.Outliers) known[pdu.EventId] = pdu;
        foreach (var e in batch.Events) known[e.Pdu.EventId] = e.Pdu;
        var lookup = changed.Where(kv => kv.Key.Type == EventTypes.Member && !known.ContainsKey(kv.Value)).Select(kv => kv.Value).ToList();
        var memberships = lookup.Count == 0 ? [] : await db.Events.TagWith("EventPersister.StateMemberships").AsNoTracking()
            .Where(e => lookup.Contains(e.EventId)).ToDictionaryAsync(e => e.EventId, e => e.Membership, ct);
        string? MembershipFor(string eventId) => known.TryGetValue(eventId, out var pdu) ? MembershipOf(pdu) : memberships.GetValueOrDefault(eventId);

        if (before.Count == 0)
        {
            foreach (var (key, eventId) in changed)
                rows.CurrentState.Add(new CurrentStateRow { RoomId = roomId, Type = key.Type, StateKey = key.Key, EventId = eventId, Membership = MembershipFor(eventId) });
        }
        else
        {
            foreach (var (key, eventId) in changed) await UpsertCurrentStateAsync(roomId, key, eventId, MembershipFor(eventId), ct);
        }

        // The room summary and the user directory follow the current state, as for local events. An older event a
        // resolution brought back (not in this batch) is left to the summaries' start-up rebuild.
        var joins = new List<(string UserId, System.Text.Json.Nodes.JsonObject Content)>();
        foreach (var (key, eventId) in changed)
        {
            if (!known.TryGetValue(eventId, out var pdu)) continue;
            await RoomSummaries.StageAsync(db, roomId, key.Type, key.Key, pdu.Content, ct);
            if (key.Type == EventTypes.Member && MembershipOf(pdu) == Membership.Join) joins.Add((key.Key, pdu.Content));
        }
        await StageJoinedProfilesAsync(joins, rows, ct);
        foreach (var key in removed)
        {
            await db.CurrentState.TagWith("EventPersister.RemoveCurrentState")
                .Where(s => s.RoomId == roomId && s.Type == key.Type && s.StateKey == key.Key).ExecuteDeleteAsync(ct);
        }
    }

    /// <summary>
    /// The user directory entries of joined members (<see cref="UserDirectoryIndex"/>), read in chunks rather than one
    /// query per member: joining a remote room brings thousands at once.
    /// </summary>
    private async Task StageJoinedProfilesAsync(List<(string UserId, System.Text.Json.Nodes.JsonObject Content)> joins, PendingRows rows, CancellationToken ct)
    {
        if (joins.Count == 0) return;
        var latest = new Dictionary<string, System.Text.Json.Nodes.JsonObject>(StringComparer.Ordinal);
        foreach (var (userId, content) in joins) latest[userId] = content;
        var existing = new Dictionary<string, UserDirectoryRow>(StringComparer.Ordinal);
        foreach (var chunk in latest.Keys.Chunk(500))
        {
            foreach (var row in await db.UserDirectory.TagWith("EventPersister.DirectoryEntries").Where(r => chunk.Contains(r.UserId)).ToListAsync(ct))
                existing[row.UserId] = row;
        }
        foreach (var (userId, content) in latest)
        {
            var displayName = content["displayname"] is System.Text.Json.Nodes.JsonValue d && d.TryGetValue(out string? name) ? name : null;
            var avatarUrl = content["avatar_url"] is System.Text.Json.Nodes.JsonValue a && a.TryGetValue(out string? url) ? url : null;
            if (existing.TryGetValue(userId, out var staged))
            {
                staged.DisplayName = displayName;
                staged.AvatarUrl = avatarUrl;
                staged.SearchKey = UserDirectoryIndex.SearchKeyOf(userId, displayName);
            }
            else
            {
                rows.UserDirectory.Add(UserDirectoryIndex.Entry(userId, displayName, avatarUrl));
            }
        }
    }
}
