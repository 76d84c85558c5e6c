using System.Text.Json.Nodes;

namespace Messenger.Homeserver.ClientApi.Directories;

/// <summary>The remote room directory while federation is not wired: no other server answers.</summary>
public sealed class UnreachableRemoteRoomDirectory : IRemoteRoomDirectory
{
    public Task<JsonObject?> QueryAsync(string serverName, PublicRoomsQuery query, CancellationToken ct) => Task.FromResult<JsonObject?>(null);
}
