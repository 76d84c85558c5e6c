using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Events;

namespace Messenger.Homeserver.RoomServer.Remote;

/// <summary>
/// Membership handshakes with other servers besides joining ("Inviting to a room", "Knocking upon a room", "Leaving
/// Rooms (Rejecting Invites)"). Implemented over the federation client; without federation there is nobody to ask.
/// </summary>
public interface IRemoteMemberships
{
    /// <summary>The invitee's server signs <paramref name="invite"/> (an event of <paramref name="room"/>); returns it with that signature. Throws a Matrix error when it will not.</summary>
    Task<Pdu> CountersignInviteAsync(RoomSnapshot room, Pdu invite, CancellationToken ct);

    /// <summary>Knocks on a room this server is not in through <paramref name="servers"/>; the knock is recorded for the user's /sync.</summary>
    Task KnockAsync(string roomId, string userId, JsonObject content, IReadOnlyList<string> servers, CancellationToken ct);

    /// <summary>
    /// Rejects an invite or withdraws a knock the user holds out of band (this server is not in the room) through the
    /// server that sent or took it. False when the user holds no such invite or knock.
    /// </summary>
    Task<bool> TryLeaveOutOfBandAsync(string roomId, string userId, JsonObject content, CancellationToken ct);

    /// <summary>The servers an out-of-band invite or knock names for joining the room (the inviter's), or none.</summary>
    Task<IReadOnlyList<string>> JoinServersAsync(string roomId, string userId, CancellationToken ct);
}
