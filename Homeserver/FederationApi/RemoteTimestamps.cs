using System.Globalization;
using System.Text.Json.Nodes;
using Messenger.Federation.Client;
using Messenger.Homeserver.RoomServer;
using Messenger.Homeserver.RoomServer.Remote;
using Messenger.Homeserver.Storage;

namespace Messenger.Homeserver.FederationApi;

/// <summary>
/// The client's <c>/timestamp_to_event</c> when this server's history has no answer (it joined late): "it can use the
/// corresponding federation endpoint to ask other servers". The servers of the room's joined members are asked in
/// turn; an answer counts only once the event it names has been fetched from that server and checks out (format,
/// room, signatures) with the timestamp it claims on the right side of <c>ts</c>.
/// </summary>
public sealed class RemoteTimestamps(IFederationClient client, RoomStore rooms, ReceivedPduChecks checks, RoomServerContext context)
{
    private const int MaxServers = 5;

    public async Task<(string EventId, long OriginServerTs)?> AskAsync(RoomSnapshot room, long ts, bool forwards, CancellationToken ct)
    {
        var servers = (await rooms.MembersAsync(room.RoomId, Messenger.Federation.Protocol.Events.Membership.Join, ct))
            .Select(u => u[(u.IndexOf(':') + 1)..]).Where(s => s != context.ServerName).Distinct(StringComparer.Ordinal).Take(MaxServers);
        var query = $"ts={ts.ToString(CultureInfo.InvariantCulture)}&dir={(forwards ? "f" : "b")}";
        foreach (var server in servers)
        {
            try
            {
                var answer = await client.GetJsonAsync(server, $"/_matrix/federation/v1/timestamp_to_event/{Uri.EscapeDataString(room.RoomId)}?{query}", ct, FederationCallOptions.NoRetry);
                if (answer["event_id"] is not JsonValue v || !v.TryGetValue(out string? eventId)) continue;
                var fetched = await client.GetJsonAsync(server, "/_matrix/federation/v1/event/" + Uri.EscapeDataString(eventId), ct, FederationCallOptions.NoRetry);
                if (fetched["pdus"] is not JsonArray { Count: 1 } pdus || pdus[0] is not JsonObject pdu) continue;
                var checkedPdu = (await checks.CheckAsync([pdu.DeepClone().AsObject()], room.Version, room.RoomId, ct))[0].Pdu;
                if (checkedPdu is null || checkedPdu.EventId != eventId) continue;
                var eventTs = checkedPdu.OriginServerTs;
                if (forwards ? eventTs < ts : eventTs > ts) continue;
                return (eventId, eventTs);
            }
            catch (FederationRequestException)
            {
                // Not known there, or not reachable: the next server may know.
            }
        }
        return null;
    }
}
