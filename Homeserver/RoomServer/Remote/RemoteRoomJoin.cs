using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Events;
using Messenger.Federation.Protocol.RoomVersions;
using Messenger.Homeserver.Storage;
using Messenger.Homeserver.Storage.Rows;

namespace Messenger.Homeserver.RoomServer.Remote;

/// <summary>
/// Stores a room this server joins through another ("Joining Rooms", after <c>send_join</c>): every returned event is
/// checked (format, signatures, hashes) and judged against its auth events, in auth order; the auth chain and the
/// state are stored as outliers; the join event then enters the timeline with the returned state as the state before
/// it, and becomes the room's current state and only forward extremity. All in one transaction.
/// </summary>
public sealed class RemoteRoomJoin(RoomStore rooms, RoomEventPipeline pipeline, RemoteBatchServices batchServices, ReceivedPduChecks checks, RoomServerContext context)
{
    /// <returns>The join's result: accepted, or dropped with the reason (nothing stored then).</returns>
    public async Task<IngestResult> PersistJoinAsync(string roomId, RoomVersion version, JsonObject joinEvent, IReadOnlyList<JsonObject> state, IReadOnlyList<JsonObject> authChain, CancellationToken ct)
    {
        var all = new List<JsonObject>(state.Count + authChain.Count + 1) { joinEvent };
        all.AddRange(state);
        all.AddRange(authChain);
        var checkedPdus = await checks.CheckAsync(all, version, roomId, ct);
        if (checkedPdus[0].Pdu is not { } join) return checkedPdus[0].Dropped!;
        if (join.Type != EventTypes.Member || join.StateKey is null)
            return new IngestResult(join.EventId, IngestOutcome.Dropped, "not a membership event");

        var stateIds = checkedPdus.Skip(1).Take(state.Count).Where(c => c.Pdu is not null).Select(c => c.Pdu!.EventId).ToList();
        // The state and the auth chain overlap (state events authorise each other): each event is judged once.
        var outliers = checkedPdus.Skip(1).Where(c => c.Pdu is not null).DistinctBy(c => c.Pdu!.EventId).ToList();
        var signatureOk = outliers.ToDictionary(c => c.Pdu!.EventId, c => c.AuthorisingSignatureValid, StringComparer.Ordinal);

        using var held = await context.Locks.AcquireAsync(roomId, ct);
        var existing = await rooms.FindRoomAsync(roomId, ct);
        var start = existing is null
            ? new RoomSnapshot(roomId, version, ImmutableDictionary<StateKey, string>.Empty, [], 0, 0)
            : await pipeline.SnapshotAsync(roomId, ct) ?? throw new InvalidOperationException($"room {roomId} has no snapshot");
        var batch = new RemoteEventBatch(start, batchServices);
        await batch.PrefetchAsync([join, .. outliers.Select(c => c.Pdu!)], ct);
        foreach (var pdu in RemoteEventBatch.InOrder(outliers.Select(c => c.Pdu!), p => p.AuthEventIds))
            batch.AddOutlier(pdu, signatureOk[pdu.EventId]);
        var result = await batch.AddJoinAsync(join, stateIds, ct);
        if (result.Outcome != IngestOutcome.Accepted) return result;

        var create = batch.Working.StateEventId(EventTypes.Create) is { } createId ? batch.Find(createId)?.Pdu : null;
        var newRoom = existing is not null ? null : new RoomRow
        {
            RoomId = roomId, RoomVersion = version.Id, Creator = create?.Sender ?? join.Sender,
            CreatedTs = context.Time.GetUtcNow().ToUnixTimeMilliseconds(),
        };
        await pipeline.PersistRemoteAsync(batch, newRoom, ct);
        return result;
    }
}
