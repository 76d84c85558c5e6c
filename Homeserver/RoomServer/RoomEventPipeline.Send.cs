using Messenger.Homeserver.Errors;
using Messenger.Homeserver.Storage;

namespace Messenger.Homeserver.RoomServer;

public sealed partial class RoomEventPipeline
{
    /// <summary>
    /// Sends one local event into a room. With a transaction id already used by this device, returns the event
    /// that transaction created instead of sending again ("Transaction identifiers"). Concurrent sends into the same
    /// room are persisted together (<see cref="LocalSendQueues"/>); each is answered once its event is committed.
    /// </summary>
    public async Task<string> SendAsync(string roomId, LocalEvent request, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        // Not cancellable once queued: a send that leaves the queue unled would stall the room's later sends.
        var send = sendQueues.Enqueue(roomId, request);
        await send.Turn;
        if (!send.IsDone) await SendBatchAsync(roomId);
        return await send.Done;
    }

    /// <summary>
    /// Leads one batch: under the room's lock, answers retried transactions, builds and authorises each waiting send
    /// on the room as the previous ones left it (a refused one fails alone), persists the rest in one transaction,
    /// hands the turn on, then announces the batch and answers its senders. The batch runs to its end whatever happens
    /// to the leading request: the other senders wait for it.
    /// </summary>
    private async Task SendBatchAsync(string roomId)
    {
        var ct = CancellationToken.None;
        var sends = sendQueues.Take(roomId);
        var accepted = new List<LocalSend>(sends.Count);
        var repeats = new List<(LocalSend Send, LocalSend First)>();
        LocalEventBatch? batch = null;
        PersistResult? result = null;
        try
        {
            using (await context.Locks.AcquireAsync(roomId, ct))
            {
                var snapshot = await SnapshotAsync(roomId, ct) ?? throw MatrixError.NotFound("Unknown room");
                var keys = sends.Where(s => s.Request is { TxnId: not null, DeviceId: not null })
                    .Select(s => (s.Request.Sender, s.Request.DeviceId!, s.Request.TxnId!)).Distinct().ToList();
                var earlier = await rooms.TxnEventsAsync(keys, ct);
                var inBatch = new Dictionary<(string, string, string), LocalSend>();
                batch = NewBatch(snapshot);
                foreach (var send in sends)
                {
                    if (send.Request is { TxnId: { } txn, DeviceId: { } device })
                    {
                        var key = (send.Request.Sender, device, txn);
                        if (earlier.TryGetValue(key, out var eventId))
                        {
                            send.Complete(eventId);
                            continue;
                        }
                        if (inBatch.TryGetValue(key, out var first))
                        {
                            repeats.Add((send, first));
                            continue;
                        }
                        inBatch[key] = send;
                    }
                    try
                    {
                        await batch.AddAsync(send.Request, ct);
                        accepted.Add(send);
                    }
                    catch (Exception e)
                    {
                        send.Fail(e);
                    }
                }
                if (accepted.Count > 0) result = await PersistAsync(batch, newRoom: null, ct);
            }
        }
        catch (Exception e)
        {
            foreach (var send in sends) send.Fail(e);
            return;
        }
        finally
        {
            // The next batch may be built now (the snapshot is set); push rules and wake-ups need no lock.
            sendQueues.Next(roomId);
        }

        if (result is not null) await AnnounceAsync(result, batch!.Events);
        for (var i = 0; i < accepted.Count; i++) accepted[i].Complete(batch!.Events[i].Pdu.EventId);
        // A transaction sent twice at once: the repeat gets what the first got.
        foreach (var (send, first) in repeats)
        {
            if (first.Done.IsCompletedSuccessfully) send.Complete(first.Done.Result);
            else send.Fail(first.Done.Exception?.InnerException ?? new InvalidOperationException("the first send of the transaction failed"));
        }
    }
}
