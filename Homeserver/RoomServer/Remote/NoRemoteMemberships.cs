using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Events;
using Messenger.Homeserver.Errors;

namespace Messenger.Homeserver.RoomServer.Remote;

/// <summary>Membership handshakes when no federation is wired: invites stay unsigned by the invitee's server, nothing remote can be knocked on or left.</summary>
public sealed class NoRemoteMemberships : IRemoteMemberships
{
    public Task<Pdu> CountersignInviteAsync(RoomSnapshot room, Pdu invite, CancellationToken ct) => Task.FromResult(invite);

    public Task KnockAsync(string roomId, string userId, JsonObject content, IReadOnlyList<string> servers, CancellationToken ct) =>
        throw MatrixError.NotFound("No known servers for this room");

    public Task<bool> TryLeaveOutOfBandAsync(string roomId, string userId, JsonObject content, CancellationToken ct) => Task.FromResult(false);

    public Task<IReadOnlyList<string>> JoinServersAsync(string roomId, string userId, CancellationToken ct) => Task.FromResult<IReadOnlyList<string>>([]);
}
