using System.Text.Json.Nodes;
using Messenger.Homeserver.Auth;
using Messenger.Homeserver.ClientApi.Rooms;
using Messenger.Homeserver.Errors;
using Messenger.Homeserver.FederationApi.Edus;
using Messenger.Homeserver.Storage;
using Messenger.Homeserver.Storage.Rows;

namespace Messenger.Homeserver.ClientApi.Receipts;

/// <summary>
/// "Receipts": the one place a local user's receipt changes (the receipt API and read markers both come here, and public
/// ones moving forward go to the room's other servers as <c>m.receipt</c> EDUs). A read receipt, public or private, also marks the
/// user's notifications read up to its event ("Receiving notifications"), in its thread when it is threaded.
/// </summary>
public sealed class ReceiptService(RoomAccess access, RoomStore rooms, ReceiptStore store, PushActionStore pushActions, ReceiptEduSender federation,
    TimeProvider time)
{
    public const string Read = "m.read";
    public const string ReadPrivate = "m.read.private";

    /// <summary>
    /// Sets the user's <paramref name="receiptType"/> receipt (<c>m.read</c> or <c>m.read.private</c>) at an event of a
    /// room they are in. <paramref name="threadId"/>: null for an unthreaded receipt, <c>main</c> or a thread root; the
    /// event must belong to that thread (400 <c>M_INVALID_PARAM</c> otherwise, as the receipt API lists).
    /// </summary>
    public async Task SendAsync(Requester requester, string roomId, string receiptType, string eventId, string? threadId, CancellationToken ct)
    {
        if (receiptType is not (Read or ReadPrivate)) throw MatrixError.InvalidParam($"Unknown receipt type {receiptType}");
        var target = await EventInRoomAsync(requester, roomId, eventId, ct);
        if (threadId is not null)
        {
            var inThread = threadId == PushActionStore.MainThread ? target.ThreadId is null : target.EventId == threadId || target.ThreadId == threadId;
            if (!inThread) throw MatrixError.InvalidParam($"{eventId} is not in thread {threadId}");
        }

        // Counts first: storing the receipt wakes the user's syncs, which must then see the counts it reset. Marks never
        // go back, so of m.read and m.read.private the one further ahead counts, whichever came last.
        await pushActions.ResetCountsAsync(requester.UserId, roomId, target.StreamOrdering, threadId, ct);
        var receipt = new ReceiptRow
        {
            RoomId = roomId, ReceiptType = receiptType, UserId = requester.UserId, ThreadId = threadId ?? "",
            EventId = eventId, EventStreamOrdering = target.StreamOrdering, Ts = time.GetUtcNow().ToUnixTimeMilliseconds(),
        };
        if (await store.SetAsync(receipt, ct) && receiptType == Read) await federation.SendAsync(receipt, ct);
    }

    /// <summary>The event, which must be in the room, and the user must be joined to the room (403/404 otherwise).</summary>
    public async Task<EventRow> EventInRoomAsync(Requester requester, string roomId, string eventId, CancellationToken ct)
    {
        await access.RequireJoinedAsync(roomId, requester.UserId, ct);
        var row = await rooms.EventRowAsync(eventId, ct);
        return row is not null && row.RoomId == roomId ? row : throw MatrixError.NotFound($"Event {eventId} not found in {roomId}");
    }

    /// <summary>The <c>thread_id</c> of a receipt body: absent is unthreaded; present it is a non-empty string.</summary>
    public static string? ThreadIdOf(JsonObject body) => body["thread_id"] switch
    {
        null => null,
        JsonValue v when v.TryGetValue(out string? s) && s.Length > 0 => s,
        _ => throw MatrixError.InvalidParam("thread_id must be a non-empty string"),
    };
}
