using System.Text.Json.Nodes;

namespace Messenger.Homeserver.RoomServer.Remote;

/// <summary>
/// Joins a room this server is not in through servers that are ("Joining Rooms": make_join, sign, send_join, then the
/// returned state is checked and stored). Implemented over the federation client; without federation there is none.
/// </summary>
public interface IRemoteJoins
{
    /// <summary>Tries <paramref name="servers"/> in order; returns when the join is stored, throws a Matrix error when none could be used.</summary>
    Task JoinAsync(string roomId, string userId, JsonObject content, IReadOnlyList<string> servers, CancellationToken ct);
}
