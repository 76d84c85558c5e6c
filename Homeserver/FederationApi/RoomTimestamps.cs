using Messenger.Federation.Http;
using Messenger.Federation.Ports;
using Messenger.Homeserver.RoomServer;
using Messenger.Homeserver.Storage;

namespace Messenger.Homeserver.FederationApi;

/// <summary>Answers <c>/timestamp_to_event</c> from the timeline this server holds, for servers in the room (not denied by its ACL).</summary>
public sealed class RoomTimestamps(FederationRoomAccess access, RelationsStore relations, StreamPositions positions) : IRoomTimestamps
{
    public async Task<(string EventId, long OriginServerTs)?> NearestAsync(string origin, string roomId, long ts, bool forwards, CancellationToken ct)
    {
        if (await access.RoomAsync(origin, roomId, ct) is null) throw FederationError.NotFound("Unknown room");
        if (await access.ReadableRoomAsync(origin, roomId, ct) is null) throw FederationError.Forbidden("Not in the room");
        return await relations.NearestToTimestampAsync(roomId, ts, forwards, positions.Current, ct) is { } row ? (row.EventId, row.OriginServerTs) : null;
    }
}
