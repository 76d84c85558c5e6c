using System.Text.Json.Nodes;
using Messenger.Federation.Sending;
using Messenger.Homeserver.ClientApi.Receipts;
using Messenger.Homeserver.Storage.Rows;

namespace Messenger.Homeserver.FederationApi.Edus;

/// <summary>
/// Outbound <c>m.receipt</c> EDUs ("Receipts"): <see cref="ReceiptService"/> calls it when a local user's public read
/// receipt moved; it goes to the other servers with members joined to the room. Private receipts never leave.
/// </summary>
public sealed class ReceiptEduSender(EduAudience audience, IFederationEduQueue queue)
{
    /// <summary>Queues the user's read receipt for the room's other servers (in the caller's scope).</summary>
    public async Task SendAsync(ReceiptRow receipt, CancellationToken ct)
    {
        var servers = await audience.ServersInRoomAsync(receipt.RoomId, ct);
        if (servers.Count == 0) return;
        var data = new JsonObject { ["ts"] = receipt.Ts };
        if (receipt.ThreadId.Length > 0) data["thread_id"] = receipt.ThreadId;
        var content = new JsonObject
        {
            [receipt.RoomId] = new JsonObject
            {
                [ReceiptService.Read] = new JsonObject
                {
                    [receipt.UserId] = new JsonObject { ["event_ids"] = new JsonArray(receipt.EventId), ["data"] = data },
                },
            },
        };
        await queue.EnqueueAsync(servers, "m.receipt", content, ct);
    }
}
