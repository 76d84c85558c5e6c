using System.Text.Json.Nodes;

namespace Messenger.Homeserver.ClientApi.Directories;

/// <summary>
/// The published room directories of other servers (server-server API "Public Room Directory":
/// <c>GET/POST /_matrix/federation/v1/publicRooms</c>). <c>/publicRooms?server=</c> with another server's name asks
/// this; the answer is relayed to the client as the remote server's <c>public_rooms_response</c>. Federation implements
/// it (and answers the same federation request from <see cref="PublicRoomsService.LocalAsync"/>); until then
/// <see cref="UnreachableRemoteRoomDirectory"/> reports every server as unreachable.
/// </summary>
public interface IRemoteRoomDirectory
{
    /// <summary>The remote server's response body, or null when it could not be reached or answered with an error.</summary>
    Task<JsonObject?> QueryAsync(string serverName, PublicRoomsQuery query, CancellationToken ct);
}
