using System.Text.Json.Nodes;
using Messenger.Federation.Sending;
using Messenger.Homeserver.Configuration;
using Messenger.Homeserver.Storage;

namespace Messenger.Homeserver.FederationApi.Sending;

/// <summary>Queues outbound EDUs in the federation outbox and wakes the sender (<see cref="IFederationEduQueue"/>).</summary>
public sealed class FederationEduQueue(FederationOutboxStore outbox, FederationSenderSignal signal, HomeserverConfig config, TimeProvider time)
    : IFederationEduQueue
{
    public async Task EnqueueAsync(IEnumerable<string> destinations, string eduType, JsonObject content, CancellationToken ct)
    {
        var targets = destinations.Where(d => d != config.ServerName).Distinct(StringComparer.Ordinal).ToList();
        if (targets.Count == 0) return;
        outbox.EnqueueEdu(targets, eduType, content.ToJsonString(), time.GetUtcNow().ToUnixTimeMilliseconds());
        await outbox.SaveAsync(ct);
        signal.Wake();
    }
}
