using Messenger.Federation.Ports;
using Messenger.Homeserver.ClientApi.Rooms;

namespace Messenger.Homeserver.FederationApi;

/// <summary>Answers <c>/query/directory</c> from this server's aliases, with the same servers list as the client's <c>GET /directory/room</c>.</summary>
public sealed class RoomAliasDirectory(AliasService aliases) : IRoomAliasDirectory
{
    public async Task<(string RoomId, IReadOnlyList<string> Servers)?> ResolveAsync(string alias, CancellationToken ct)
    {
        if (!aliases.IsLocal(alias) || await aliases.ResolveAsync(alias, ct) is not { } roomId) return null;
        return (roomId, await aliases.ServersOfAsync(roomId, ct));
    }
}
