using System.Text.Json.Nodes;
using Messenger.Federation.Http;
using Messenger.Federation.Ports;
using Messenger.Homeserver.RoomServer.Remote;

namespace Messenger.Homeserver.FederationApi;

/// <summary>
/// The PDUs of a transaction, grouped by room and handed to <see cref="RemoteEventIngest"/> (the receive half of the
/// event path). PDUs of a room whose server ACL denies the origin, or of rooms this server is not in, get an error.
/// </summary>
public sealed class FederationInbox(RemoteEventIngest ingest, FederationRoomAccess access) : IFederationInbox
{
    public async Task<JsonObject> ReceivePdusAsync(string origin, IReadOnlyList<JsonObject> pdus, CancellationToken ct)
    {
        var results = new JsonObject();
        foreach (var room in pdus.GroupBy(p => p["room_id"] is JsonValue v && v.TryGetValue(out string? id) ? id : ""))
        {
            var list = room.ToList();
            string? refusal = null;
            if (room.Key.Length == 0) refusal = "PDU has no room_id";
            else
            {
                try
                {
                    if (await access.RoomAsync(origin, room.Key, ct) is null) refusal = "this server is not in the room";
                }
                catch (FederationException e)
                {
                    refusal = e.Message;
                }
            }
            if (refusal is not null)
            {
                foreach (var pdu in list)
                {
                    if (pdu["event_id"] is JsonValue id && id.TryGetValue(out string? eventId)) results[eventId] = new JsonObject { ["error"] = refusal };
                }
                continue;
            }
            foreach (var result in await ingest.IngestAsync(room.Key, list, ct, origin))
            {
                if (result.EventId is null) continue;
                results[result.EventId] = result.IsError ? new JsonObject { ["error"] = result.Reason ?? "not processed" } : new JsonObject();
            }
        }
        return results;
    }
}
