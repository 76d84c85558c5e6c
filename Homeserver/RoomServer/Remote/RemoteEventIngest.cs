using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.RoomVersions;
using Messenger.Homeserver.Storage;

namespace Messenger.Homeserver.RoomServer.Remote;

/// <summary>
/// The receive half of the event path (DESIGN.md) for a room this server is in: checks received PDUs in the spec's
/// order ("Checks performed on receipt of a PDU": format, signatures, hash, auth events, state before, current state),
/// then persists them in one transaction and notifies, exactly as local events are. Idempotent: an event already
/// stored is reported as such and not processed again, whether it was accepted, soft-failed or rejected.
/// An event lacking auth events or prev events is retried once after fetching them from its sender: the auth chain
/// (<c>/event_auth</c>, stored as outliers) and up to <see cref="MissingEventsLimit"/> events of the gap
/// (<c>/get_missing_events</c>). For a larger gap, the state before the event comes from its sender
/// (<c>/state_ids</c>, unknown events by <c>/event</c>, stored as outliers) and the event is judged on that state.
/// </summary>
public sealed partial class RemoteEventIngest(RoomStore rooms, RoomEventPipeline pipeline, RemoteBatchServices batchServices, ReceivedPduChecks checks, RoomServerContext context, IRemoteEventFetcher fetcher)
{
    public const int MissingEventsLimit = 10;

    /// <summary>How many events of one transaction may take the <c>/state_ids</c> path (each costs several requests).</summary>
    public const int MaxStateFetches = 5;

    /// <summary>The most unknown state and auth chain events fetched one by one for such an event.</summary>
    public const int MaxStateEventsFetched = 1000;

    /// <summary>
    /// Ingests the PDUs of one room (from one transaction, or fetched); results in the order received. With
    /// <paramref name="origin"/>, missing auth and prev events are fetched from it. With <paramref name="relayFrom"/> (a
    /// membership handshake), the accepted events are queued for the room's other servers in their own transaction.
    /// </summary>
    public async Task<IReadOnlyList<IngestResult>> IngestAsync(string roomId, IReadOnlyList<JsonObject> received, CancellationToken ct, string? origin = null,
        string? relayFrom = null)
    {
        var results = await IngestOnceAsync(roomId, received, ct, relayFrom);
        if (origin is null || !results.Any(r => r.MissingAuthEvents || r.MissingPrevEvents)) return results;

        // First the gap before them (which often brings the missing auth events too), then auth chains for what still lacks them.
        var retry = Enumerable.Range(0, results.Count).Where(i => results[i] is { EventId: not null } r && (r.MissingAuthEvents || r.MissingPrevEvents)).ToList();
        if (await pipeline.SnapshotAsync(roomId, ct) is { } room)
        {
            var gap = await fetcher.MissingEventsAsync(origin, roomId, room.Extremities, [.. retry.Select(i => results[i].EventId!)], MissingEventsLimit, 0, ct);
            if (gap.Count > 0) await IngestOnceAsync(roomId, gap, ct);
        }
        var merged = results.ToArray();
        await RetryAsync(roomId, received, retry, merged, relayFrom, ct);
        var lackingAuth = retry.Where(i => merged[i].MissingAuthEvents).ToList();
        if (lackingAuth.Count > 0)
        {
            foreach (var i in lackingAuth) await IngestOutliersAsync(roomId, await fetcher.AuthChainAsync(origin, roomId, merged[i].EventId!, ct), ct);
            await RetryAsync(roomId, received, lackingAuth, merged, relayFrom, ct);
        }
        // A gap larger than get_missing_events filled: the state before the event, from its sender.
        foreach (var i in retry.Where(i => merged[i] is { MissingPrevEvents: true, MissingAuthEvents: false }).Take(MaxStateFetches).ToList())
            merged[i] = await IngestWithRemoteStateAsync(roomId, received[i], origin, merged[i], relayFrom, ct);
        return merged;
    }

    /// <summary>
    /// Judges an event whose prev events stay unknown on the state before it as <paramref name="origin"/> reports it
    /// (<see cref="RemoteEventBatch.AddWithStateBeforeAsync"/>); without an answer, <paramref name="previous"/> stands.
    /// </summary>
    private async Task<IngestResult> IngestWithRemoteStateAsync(string roomId, JsonObject json, string origin, IngestResult previous, string? relayFrom,
        CancellationToken ct)
    {
        if (await RoomVersionAsync(roomId, ct) is not { } version) return previous;
        var item = (await checks.CheckAsync([json], version, roomId, ct))[0];
        if (item.Pdu is not { } pdu) return item.Dropped ?? previous;
        if (await fetcher.StateIdsAsync(origin, roomId, pdu.EventId, ct) is not { } ids) return previous;
        var wanted = ids.StateIds.Concat(ids.AuthChainIds).Distinct(StringComparer.Ordinal).ToList();
        var stored = (await rooms.StoredEventsAsync(wanted, ct)).Select(r => r.EventId).ToHashSet(StringComparer.Ordinal);
        var missing = wanted.Where(id => !stored.Contains(id)).ToList();
        if (missing.Count > MaxStateEventsFetched) return previous;
        if (missing.Count > 0) await IngestOutliersAsync(roomId, await fetcher.EventsAsync(origin, missing, ct), ct);

        using var held = await context.Locks.AcquireAsync(roomId, ct);
        var snapshot = await pipeline.SnapshotAsync(roomId, ct) ?? throw new InvalidOperationException($"room {roomId} has no snapshot");
        var batch = new RemoteEventBatch(snapshot, batchServices) { RelayFrom = relayFrom };
        await batch.PrefetchAsync([pdu], ct);
        var result = await batch.AddWithStateBeforeAsync(pdu, ids.StateIds, item.AuthorisingSignatureValid, ct);
        if (!batch.IsEmpty) await pipeline.PersistRemoteAsync(batch, newRoom: null, ct);
        return result;
    }

    private async Task RetryAsync(string roomId, IReadOnlyList<JsonObject> received, List<int> indices, IngestResult[] results, string? relayFrom,
        CancellationToken ct)
    {
        var again = await IngestOnceAsync(roomId, [.. indices.Select(i => received[i])], ct, relayFrom);
        for (var k = 0; k < indices.Count; k++) results[indices[k]] = again[k];
    }

    /// <summary>
    /// Stores events known without their place in the DAG (an auth chain fetched for a received event): each is
    /// checked (format, signatures, hash) and judged against its own auth events, in auth order.
    /// </summary>
    public async Task IngestOutliersAsync(string roomId, IReadOnlyList<JsonObject> events, CancellationToken ct)
    {
        if (events.Count == 0 || await RoomVersionAsync(roomId, ct) is not { } version) return;
        var valid = (await checks.CheckAsync(events, version, roomId, ct)).Where(c => c.Pdu is not null).DistinctBy(c => c.Pdu!.EventId).ToList();
        using var held = await context.Locks.AcquireAsync(roomId, ct);
        var snapshot = await pipeline.SnapshotAsync(roomId, ct) ?? throw new InvalidOperationException($"room {roomId} has no snapshot");
        var batch = new RemoteEventBatch(snapshot, batchServices);
        await batch.PrefetchAsync([.. valid.Select(c => c.Pdu!)], ct);
        foreach (var pdu in RemoteEventBatch.InOrder(valid.Select(c => c.Pdu!), p => p.AuthEventIds))
            batch.AddOutlier(pdu, valid.First(c => c.Pdu!.EventId == pdu.EventId).AuthorisingSignatureValid);
        if (!batch.IsEmpty) await pipeline.PersistRemoteAsync(batch, newRoom: null, ct);
    }

    private async Task<IReadOnlyList<IngestResult>> IngestOnceAsync(string roomId, IReadOnlyList<JsonObject> received, CancellationToken ct,
        string? relayFrom = null)
    {
        if (await RoomVersionAsync(roomId, ct) is not { } version)
            return [.. received.Select(json => new IngestResult(json["event_id"] is JsonValue v && v.TryGetValue(out string? id) ? id : null, IngestOutcome.Dropped, "this server is not in the room"))];

        var checkedPdus = await checks.CheckAsync(received, version, roomId, ct);
        var results = new IngestResult?[checkedPdus.Count];
        var valid = new Dictionary<string, (int Index, CheckedPdu Checked)>(StringComparer.Ordinal);
        for (var i = 0; i < checkedPdus.Count; i++)
        {
            if (checkedPdus[i].Pdu is { } pdu && valid.TryAdd(pdu.EventId, (i, checkedPdus[i]))) continue;
            results[i] = checkedPdus[i].Dropped ?? new IngestResult(checkedPdus[i].Pdu!.EventId, IngestOutcome.AlreadyKnown);
        }

        if (valid.Count > 0)
        {
            using var held = await context.Locks.AcquireAsync(roomId, ct);
            var snapshot = await pipeline.SnapshotAsync(roomId, ct) ?? throw new InvalidOperationException($"room {roomId} has no snapshot");
            var batch = new RemoteEventBatch(snapshot, batchServices) { RelayFrom = relayFrom };
            var pdus = valid.Values.Select(v => v.Checked.Pdu!).ToList();
            await batch.PrefetchAsync(pdus, ct);
            foreach (var pdu in RemoteEventBatch.InOrder(pdus, p => p.PrevEventIds))
            {
                var (index, item) = valid[pdu.EventId];
                results[index] = await batch.AddAsync(pdu, item.AuthorisingSignatureValid, ct);
            }
            if (!batch.IsEmpty) await pipeline.PersistRemoteAsync(batch, newRoom: null, ct);
        }
        return [.. results.Select(r => r!)];
    }

    private async Task<RoomVersion?> RoomVersionAsync(string roomId, CancellationToken ct) =>
        await rooms.FindRoomAsync(roomId, ct) is { } room ? RoomVersions.Find(room.RoomVersion) : null;
}
