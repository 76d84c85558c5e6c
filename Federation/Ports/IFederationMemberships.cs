using System.Text.Json.Nodes;

namespace Messenger.Federation.Ports;

/// <summary>
/// The resident (or invited) server's half of the membership handshakes other than joining: "Leaving Rooms (Rejecting
/// Invites)", "Knocking upon a room" and "Inviting to a room". The homeserver builds templates on the room as it stands
/// and takes the signed events through its one event path.
/// </summary>
public interface IFederationMemberships
{
    /// <summary>
    /// <c>make_leave</c> / <c>make_knock</c>: <c>{room_version, event}</c>, an unsigned template of <paramref name="membership"/>
    /// for <paramref name="userId"/>. <paramref name="supportedVersions"/> (knocks only): <c>M_INCOMPATIBLE_ROOM_VERSION</c> when
    /// the room's is not among them. <c>M_FORBIDDEN</c> when the auth rules refuse it, <c>M_NOT_FOUND</c> for an unknown room.
    /// </summary>
    Task<JsonObject> MakeMembershipAsync(string origin, string roomId, string userId, string membership, IReadOnlyCollection<string>? supportedVersions, CancellationToken ct);

    /// <summary>
    /// <c>send_leave</c> (v2) / <c>send_knock</c>: checks and persists the signed event. Returns, for a knock, the
    /// <c>knock_room_state</c> PDUs; for a leave, nothing.
    /// </summary>
    Task<JsonArray?> SendMembershipAsync(string origin, string roomId, string eventId, string membership, JsonObject ev, CancellationToken ct);

    /// <summary>
    /// <c>PUT /v2/invite</c>: checks the invite and the room state sent with it, signs it as the invited user's server,
    /// records it for that user, and returns the event with our signature added.
    /// </summary>
    Task<JsonObject> InviteAsync(string origin, string roomId, string eventId, string roomVersion, JsonObject ev, JsonArray? inviteRoomState, CancellationToken ct);
}
