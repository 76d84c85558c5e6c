using System.Text.Json.Nodes;

namespace Messenger.Federation.Sending;

/// <summary>
/// Outbound EDUs (typing, receipts, presence, device list and signing key updates, to-device): queued per destination
/// in the database and sent with the next transaction to each, in order, retried until delivered. Call it after the
/// change it announces has committed. The homeserver implements it next to its transaction sender.
/// </summary>
public interface IFederationEduQueue
{
    /// <summary>Queues one EDU for each of <paramref name="destinations"/> (our own name and duplicates are ignored) and wakes the sender.</summary>
    Task EnqueueAsync(IEnumerable<string> destinations, string eduType, JsonObject content, CancellationToken ct);
}
