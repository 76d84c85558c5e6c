using System.Text.Json.Nodes;
using Messenger.Homeserver.Errors;

namespace Messenger.Homeserver.RoomServer.Remote;

/// <summary>Remote joins when no federation is wired: there is no server to ask.</summary>
public sealed class NoRemoteJoins : IRemoteJoins
{
    public Task JoinAsync(string roomId, string userId, JsonObject content, IReadOnlyList<string> servers, CancellationToken ct) =>
        throw MatrixError.NotFound("No known servers for this room");
}
