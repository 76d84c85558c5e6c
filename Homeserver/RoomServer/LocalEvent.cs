using System.Text.Json.Nodes;

namespace Messenger.Homeserver.RoomServer;

/// <summary>What a local user asks to send; the room server makes a signed, authorised PDU of it.</summary>
public sealed record LocalEvent(string Sender, string Type, JsonObject Content, string? StateKey = null, string? Redacts = null)
{
    /// <summary>The client transaction (<c>PUT .../send/{type}/{txnId}</c>), for idempotency and <c>unsigned.transaction_id</c>.</summary>
    public string? TxnId { get; init; }

    public string? DeviceId { get; init; }
}
