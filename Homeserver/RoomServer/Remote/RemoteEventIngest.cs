using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.RoomVersions;
using Messenger.Homeserver.Storage;

namespace Messenger.Homeserver.RoomServer.Remote;

/// <summary>
/// The receive half of the event path (DESIGN.md) for a room this server is in: checks received PDUs in the spec's
/// order ("Checks performed on receipt of a PDU": format, signatures, hash, auth events, state before, current state),
/// then persists them in one transaction and notifies, exactly as local events are. Idempotent: an event already
/// stored is reported as such and not processed again, whether it was accepted, soft-failed or rejected.
/// </summary>
public sealed class RemoteEventIngest(RoomStore rooms, RoomEventPipeline pipeline, RemoteBatchServices batchServices, ReceivedPduChecks checks, RoomServerContext context)
{
    /// <summary>Ingests the PDUs of one room (from one transaction, or fetched); results in the order received.</summary>
    public async Task<IReadOnlyList<IngestResult>> IngestAsync(string roomId, IReadOnlyList<JsonObject> received, CancellationToken ct)
    {
        var room = await rooms.FindRoomAsync(roomId, ct);
        if (room is null || RoomVersions.Find(room.RoomVersion) is not { } version)
            return [.. received.Select(json => new IngestResult(json["event_id"]?.GetValue<string>(), IngestOutcome.Dropped, "this server is not in the room"))];

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
            var batch = new RemoteEventBatch(snapshot, batchServices);
            var pdus = valid.Values.Select(v => v.Checked.Pdu!).ToList();
            await batch.PrefetchAsync(pdus, ct);
            foreach (var pdu in RemoteEventBatch.InOrder(pdus, p => p.PrevEventIds))
            {
                var (index, item) = valid[pdu.EventId];
                results[index] = await batch.AddAsync(pdu, item.AuthorisingSignatureValid, ct);
            }
            if (!batch.IsEmpty) await pipeline.PersistRemoteAsync(batch, newRoom: null, ct);
        }
        return results.Select(r => r!).ToList();
    }
}
