using System.Text.Json.Nodes;
using Messenger.Homeserver.Auth;
using Messenger.Homeserver.Errors;
using Messenger.Homeserver.Storage;

namespace Messenger.Homeserver.ClientApi.Receipts;

/// <summary>
/// "Fully read markers": <c>POST /read_markers</c> and the <c>m.fully_read</c> receipt type. The marker is the room
/// account data <c>m.fully_read</c> (<c>{"event_id": ...}</c>), which clients cannot set directly; receipts given
/// alongside go through <see cref="ReceiptService"/> exactly as through the receipt API.
/// </summary>
public sealed class ReadMarkersService(ReceiptService receipts, AccountDataStore accountData)
{
    public const string FullyRead = "m.fully_read";

    /// <summary>POST /rooms/{roomId}/receipt/{receiptType}/{eventId}.</summary>
    public async Task ReceiptAsync(Requester requester, string roomId, string receiptType, string eventId, JsonObject body, CancellationToken ct)
    {
        var threadId = ReceiptService.ThreadIdOf(body);
        if (receiptType != FullyRead)
        {
            await receipts.SendAsync(requester, roomId, receiptType, eventId, threadId, ct);
            return;
        }
        if (threadId is not null) throw MatrixError.InvalidParam("m.fully_read receipts have no thread_id");
        await SetFullyReadAsync(requester, roomId, eventId, ct);
    }

    /// <summary>POST /rooms/{roomId}/read_markers: each of <c>m.fully_read</c>, <c>m.read</c>, <c>m.read.private</c> optional.</summary>
    public async Task ReadMarkersAsync(Requester requester, string roomId, JsonObject body, CancellationToken ct)
    {
        var fullyRead = EventIdField(body, FullyRead);
        var read = EventIdField(body, ReceiptService.Read);
        var readPrivate = EventIdField(body, ReceiptService.ReadPrivate);
        if (fullyRead is not null) await SetFullyReadAsync(requester, roomId, fullyRead, ct);
        if (read is not null) await receipts.SendAsync(requester, roomId, ReceiptService.Read, read, null, ct);
        if (readPrivate is not null) await receipts.SendAsync(requester, roomId, ReceiptService.ReadPrivate, readPrivate, null, ct);
    }

    private async Task SetFullyReadAsync(Requester requester, string roomId, string eventId, CancellationToken ct)
    {
        await receipts.EventInRoomAsync(requester, roomId, eventId, ct);
        await accountData.SetAsync(requester.UserId, roomId, FullyRead, new JsonObject { ["event_id"] = eventId }, ct);
    }

    private static string? EventIdField(JsonObject body, string name) => body[name] switch
    {
        null => null,
        JsonValue v when v.TryGetValue(out string? s) && s.Length > 0 => s,
        _ => throw MatrixError.BadJson($"{name} must be an event ID"),
    };
}
