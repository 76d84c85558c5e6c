using Messenger.Federation.Protocol.RoomVersions;
using Messenger.Homeserver.Storage;

namespace Messenger.Homeserver.RoomServer.Remote;

/// <summary>Loads stored events of any kind with their state groups, parsing through the shared <see cref="EventCache"/>.</summary>
public sealed class RoomEventLoader(RoomStore rooms, RoomServerContext context)
{
    public async Task<Dictionary<string, StoredEvent>> LoadAsync(IReadOnlyCollection<string> eventIds, RoomVersion version, CancellationToken ct)
    {
        var result = new Dictionary<string, StoredEvent>(StringComparer.Ordinal);
        if (eventIds.Count == 0) return result;
        foreach (var row in await rooms.StoredEventsAsync(eventIds, ct))
        {
            if (!context.Events.TryGet(row.EventId, out var pdu))
            {
                pdu = RoomStore.ToPdu(row, version);
                context.Events.Add(pdu);
            }
            result[row.EventId] = new StoredEvent(pdu, row.Kind, row.StateGroupBefore, row.StateGroupAfter);
        }
        return result;
    }
}
