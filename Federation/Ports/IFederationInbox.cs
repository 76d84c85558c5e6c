using System.Text.Json.Nodes;

namespace Messenger.Federation.Ports;

/// <summary>Where the PDUs of <c>PUT /send/{txnId}</c> go: the homeserver's receive path for room events.</summary>
public interface IFederationInbox
{
    /// <summary>
    /// Processes PDUs from <paramref name="origin"/> and returns the per-PDU results for the response's <c>pdus</c>:
    /// event id → <c>{}</c>, or <c>{"error": "..."}</c> when the PDU was not accepted for processing.
    /// </summary>
    Task<JsonObject> ReceivePdusAsync(string origin, IReadOnlyList<JsonObject> pdus, CancellationToken ct);
}
