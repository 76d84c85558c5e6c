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
    /// Leads one batch: under the room's lock, builds and authorises each waiting send on the room as the previous ones
    /// left it (a refused one fails alone), persists the rest in one transaction, hands the turn on, then announces the
    /// batch and answers its senders. The batch runs to its end whatever happens to the leading request: the other
    /// senders wait for it.
    /// </summary>
    /// <remarks>
    /// Retried client transactions ("Transaction identifiers") are not looked up beforehand, a round trip per batch for
    /// what is almost never there: the transaction's row, inserted with the events, is the guard. If an earlier send of
    /// one committed first the batch is rolled back (<see cref="TxnIdTakenException"/>), those sends get the events
    /// their transactions created, and the others are built and persisted again. A refused send with a transaction id
    /// may be a retry too (of a send made while the sender could still send): it gets the earlier event if there is one.
    /// </remarks>
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
                while (true)
                {
                    batch = await BuildAsync(roomId, sends, accepted, repeats, ct);
                    if (accepted.Count == 0) break;
                    try
                    {
                        result = await PersistAsync(batch, newRoom: null, ct);
                        break;
                    }
                    catch (TxnIdTakenException)
                    {
                        // Some sends were retries, answered now: the others go again, on the room as it is.
                        if (!await AnswerRetriesAsync(sends, accepted, ct)) throw;
                    }
                }
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

    /// <summary>
    /// Builds the sends not answered yet into a new batch on the room's snapshot: <paramref name="accepted"/> gets those
    /// in it (in order), <paramref name="repeats"/> those whose transaction an earlier send of the batch carries.
    /// </summary>
    private async Task<LocalEventBatch> BuildAsync(string roomId, List<LocalSend> sends, List<LocalSend> accepted, List<(LocalSend Send, LocalSend First)> repeats,
        CancellationToken ct)
    {
        accepted.Clear();
        repeats.Clear();
        var snapshot = await SnapshotAsync(roomId, ct) ?? throw MatrixError.NotFound("Unknown room");
        var batch = NewBatch(snapshot);
        var inBatch = new Dictionary<(string, string, string), LocalSend>();
        foreach (var send in sends)
        {
            if (send.IsDone) continue;
            if (TxnKey(send) is { } key)
            {
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
                if (TxnKey(send) is { } retried && await rooms.TxnEventsAsync([retried], ct) is { Count: 1 } earlier) send.Complete(earlier[retried]);
                else send.Fail(e);
            }
        }
        return batch;
    }

    /// <summary>
    /// After a <see cref="TxnIdTakenException"/>: answers every send (a repeat in the batch too) whose transaction one of
    /// the <paramref name="accepted"/> carried and an earlier send committed; false if none had.
    /// </summary>
    private async Task<bool> AnswerRetriesAsync(List<LocalSend> sends, List<LocalSend> accepted, CancellationToken ct)
    {
        var keys = accepted.Select(TxnKey).OfType<(string, string, string)>().Distinct().ToList();
        var earlier = await rooms.TxnEventsAsync(keys, ct);
        foreach (var send in sends)
        {
            if (!send.IsDone && TxnKey(send) is { } key && earlier.TryGetValue(key, out var eventId)) send.Complete(eventId);
        }
        return earlier.Count > 0;
    }

    private static (string UserId, string DeviceId, string TxnId)? TxnKey(LocalSend send) =>
        send.Request is { TxnId: { } txn, DeviceId: { } device } ? (send.Request.Sender, device, txn) : null;
}
