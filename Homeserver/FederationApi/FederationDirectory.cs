using System.Text.Json.Nodes;
using Messenger.Federation.Ports;
using Messenger.Homeserver.ClientApi.Directories;

namespace Messenger.Homeserver.FederationApi;

/// <summary>
/// Our published rooms and space summaries for other servers, from the same services clients use: the directory page
/// of <see cref="PublicRoomsService.LocalAsync"/> (only rooms published here), and the hierarchy as the requesting
/// server may see it (<see cref="SpaceHierarchyService.ServerHierarchyAsync"/>).
/// </summary>
public sealed class FederationDirectory(PublicRoomsService publicRooms, SpaceHierarchyService hierarchy) : IFederationDirectory
{
    public Task<JsonObject> PublicRoomsAsync(FederationPublicRoomsQuery query, CancellationToken ct)
    {
        var filter = query.GenericSearchTerm is null && query.RoomTypes is null
            ? null
            : new PublicRoomsFilter(query.GenericSearchTerm, query.RoomTypes?.ToList());
        return publicRooms.LocalAsync(new PublicRoomsQuery(query.Limit, query.Since, filter, query.IncludeAllNetworks, query.ThirdPartyInstanceId), ct);
    }

    public Task<JsonObject?> HierarchyAsync(string origin, string roomId, bool suggestedOnly, CancellationToken ct) =>
        hierarchy.ServerHierarchyAsync(origin, roomId, suggestedOnly, ct);
}
