using System.Text.Json.Nodes;

namespace Messenger.Federation.Ports;

/// <summary>The resident side of "Joining Rooms": the homeserver builds the template and takes the signed join through its event path.</summary>
public interface IFederationJoins
{
    /// <summary>
    /// <c>make_join</c>: <c>{room_version, event}</c>, an unsigned join template for <paramref name="userId"/> on the
    /// room's current extremities and state. Throws <c>M_INCOMPATIBLE_ROOM_VERSION</c> when the joining server does not
    /// support the room's version, <c>M_FORBIDDEN</c> when the user may not join, <c>M_NOT_FOUND</c> for an unknown room.
    /// </summary>
    Task<JsonObject> MakeJoinAsync(string origin, string roomId, string userId, IReadOnlyCollection<string> supportedVersions, CancellationToken ct);

    /// <summary>
    /// <c>send_join</c> (v2): checks and persists the join event, then answers <c>{state, auth_chain, event}</c> with the
    /// room's state before the join and its auth chain.
    /// </summary>
    Task<JsonObject> SendJoinAsync(string origin, string roomId, string eventId, JsonObject joinEvent, CancellationToken ct);
}
