using Messenger.Federation.Protocol.Auth;
using Messenger.Federation.Protocol.Events;
using Messenger.Homeserver.RoomServer;

namespace Messenger.Homeserver.ClientApi.Rooms;

/// <summary>The power levels view of a room as it stands (its current power levels and create events).</summary>
public static class RoomPowerLevels
{
    public static async Task<PowerLevels> ReadAsync(RoomEventPipeline pipeline, RoomSnapshot snapshot, CancellationToken ct)
    {
        var powerLevels = snapshot.StateEventId(EventTypes.PowerLevels) is { } pl ? await pipeline.LoadEventAsync(pl, snapshot.Version, ct) : null;
        var create = snapshot.StateEventId(EventTypes.Create) is { } c ? await pipeline.LoadEventAsync(c, snapshot.Version, ct) : null;
        return new PowerLevels(powerLevels, create, snapshot.Version);
    }
}
