using System.Collections.Immutable;
using Messenger.Federation.Protocol.Events;
using Messenger.Federation.Protocol.RoomVersions;

namespace Messenger.Homeserver.RoomServer;

/// <summary>
/// What building the next local event of a room needs, held in memory: the room version, the current state (event
/// ids), the forward extremities and their greatest depth, and the current state group. Immutable; replaced under
/// the room lock after every commit, so the send path reads no state from the database.
/// </summary>
public sealed record RoomSnapshot(
    string RoomId,
    RoomVersion Version,
    ImmutableDictionary<StateKey, string> State,
    ImmutableArray<string> Extremities,
    long MaxDepth,
    long StateGroup)
{
    public string? StateEventId(string type, string stateKey = "") => State.GetValueOrDefault(new StateKey(type, stateKey));
}
