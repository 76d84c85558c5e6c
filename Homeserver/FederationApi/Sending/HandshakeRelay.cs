using Messenger.Homeserver.Configuration;
using Messenger.Homeserver.Storage;

namespace Messenger.Homeserver.FederationApi.Sending;

/// <summary>
/// Passes on a membership event a remote server handed us as the resident server (<c>send_join</c>, <c>send_leave</c>,
/// <c>send_knock</c>) to the other servers in the room: those servers learn of it only from us ("Joining Rooms": the
/// resident server "is responsible for sending the join event to the other servers in the room"). The event goes
/// through the same outbox as our own events, never back to <c>origin</c>.
/// </summary>
public sealed class HandshakeRelay(FederationOutboxStore outbox, FederationSenderSignal signal, HomeserverConfig config, TimeProvider time)
{
    public async Task RelayAsync(string origin, string eventId, CancellationToken ct)
    {
        if (await outbox.RelayAsync(config.ServerName, eventId, origin, time.GetUtcNow().ToUnixTimeMilliseconds(), ct)) signal.Wake();
    }
}
