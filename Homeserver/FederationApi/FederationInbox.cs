using System.Text.Json.Nodes;
using Messenger.Federation.Http;
using Messenger.Federation.Ports;
using Messenger.Federation.Protocol.Events;
using Messenger.Federation.Protocol.RoomVersions;
using Messenger.Homeserver.RoomServer;
using Messenger.Homeserver.RoomServer.Remote;
using Microsoft.Extensions.Logging;

namespace Messenger.Homeserver.FederationApi;

/// <summary>
/// The PDUs of a transaction, grouped by room and handed to <see cref="RemoteEventIngest"/> (the receive half of the
/// event path). PDUs of a room whose server ACL denies the origin get an error under their event id (computed for v3+
/// rooms, whose PDUs carry none). A PDU gets an entry only under an id we can work out from it and its room's version:
/// one without <c>room_id</c>, of a room this server is not in (version unknown), or whose id cannot be computed is
/// ignored, as Synapse does. Nothing about one room's PDUs fails the transaction: an unexpected failure becomes an
/// error entry for that room's PDUs, and the other rooms' PDUs are still processed.
/// </summary>
public sealed partial class FederationInbox(RemoteEventIngest ingest, FederationRoomAccess access, RoomEventPipeline pipeline, ILogger<FederationInbox> log) : IFederationInbox
{
    public async Task<JsonObject> ReceivePdusAsync(string origin, IReadOnlyList<JsonObject> pdus, CancellationToken ct)
    {
        var results = new JsonObject();
        foreach (var room in pdus.GroupBy(p => p["room_id"] is JsonValue v && v.TryGetValue(out string? id) ? id : ""))
        {
            var list = room.ToList();
            string? refusal = null;
            RoomVersion? version = null;
            if (room.Key.Length == 0) continue;
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
                version = (await pipeline.SnapshotAsync(room.Key, ct))?.Version;
                Refuse(results, list, version, refusal);
                continue;
            }
            try
            {
                foreach (var result in await ingest.IngestAsync(room.Key, list, ct, origin))
                {
                    if (result.EventId is null) continue;
                    results[result.EventId] = result.IsError ? new JsonObject { ["error"] = result.Reason ?? "not processed" } : new JsonObject();
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogRoomFailed(log, e, origin, room.Key);
                Refuse(results, list, (await pipeline.SnapshotAsync(room.Key, ct))?.Version, "failed to process the event");
            }
        }
        return results;
    }

    /// <summary>An error under the id of each PDU that has one we can compute (none without the room's version).</summary>
    private static void Refuse(JsonObject results, List<JsonObject> pdus, RoomVersion? version, string reason)
    {
        if (version is null) return;
        foreach (var pdu in pdus)
        {
            if (ReceivedPduChecks.ComputableEventId(pdu, version) is { } eventId) results[eventId] = new JsonObject { ["error"] = reason };
        }
    }

    [LoggerMessage(EventId = 7451, Level = LogLevel.Error, Message = "PDUs from {Origin} for room {RoomId} could not be processed")]
    private static partial void LogRoomFailed(ILogger logger, Exception exception, string origin, string roomId);
}
