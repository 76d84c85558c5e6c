using System.Text.Json.Nodes;
using Messenger.Federation.Http;
using Messenger.Federation.Ports;
using Messenger.Federation.Protocol.Events;
using Messenger.Federation.Protocol.RoomVersions;
using Messenger.Homeserver.RoomServer;
using Messenger.Homeserver.RoomServer.Remote;

namespace Messenger.Homeserver.FederationApi;

/// <summary>
/// The PDUs of a transaction, grouped by room and handed to <see cref="RemoteEventIngest"/> (the receive half of the
/// event path). PDUs of a room whose server ACL denies the origin, or of rooms this server is not in, get an error
/// under their event id (computed for v3+ rooms, whose PDUs carry none).
/// </summary>
public sealed class FederationInbox(RemoteEventIngest ingest, FederationRoomAccess access, RoomEventPipeline pipeline) : IFederationInbox
{
    public async Task<JsonObject> ReceivePdusAsync(string origin, IReadOnlyList<JsonObject> pdus, CancellationToken ct)
    {
        var results = new JsonObject();
        foreach (var room in pdus.GroupBy(p => p["room_id"] is JsonValue v && v.TryGetValue(out string? id) ? id : ""))
        {
            var list = room.ToList();
            string? refusal = null;
            RoomVersion? version = null;
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
                    version = (await pipeline.SnapshotAsync(room.Key, ct))?.Version;
                }
            }
            if (refusal is not null)
            {
                foreach (var pdu in list)
                {
                    if (EventIdOf(pdu, version) is { } eventId) results[eventId] = new JsonObject { ["error"] = refusal };
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

    /// <summary>The id the refused PDU goes by: from v3 its reference hash (needs the room version), before that its <c>event_id</c>.</summary>
    private static string? EventIdOf(JsonObject pdu, RoomVersion? version)
    {
        if (version is not null && EventIds.Compute(pdu, version) is { IsSuccess: true } computed) return computed.Value;
        return pdu["event_id"] is JsonValue id && id.TryGetValue(out string? eventId) ? eventId : null;
    }
}
