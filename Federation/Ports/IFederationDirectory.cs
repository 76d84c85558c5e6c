using System.Text.Json.Nodes;

namespace Messenger.Federation.Ports;

/// <summary>
/// The local published room directory and space summaries for other servers ("Published Room Directory" and
/// "Spaces" of the server-server API). The homeserver implements it over the same services its clients use.
/// </summary>
public interface IFederationDirectory
{
    /// <summary>One page of this server's published rooms, shaped as the client-server <c>public_rooms_response</c>.</summary>
    Task<JsonObject> PublicRoomsAsync(FederationPublicRoomsQuery query, CancellationToken ct);

    /// <summary>
    /// The room (with <c>children_state</c>), its <c>children</c> and <c>inaccessible_children</c> as
    /// <paramref name="origin"/> may see them, or null when the room is unknown here or the origin could not peek or
    /// join it (404).
    /// </summary>
    Task<JsonObject?> HierarchyAsync(string origin, string roomId, bool suggestedOnly, CancellationToken ct);
}

/// <summary>
/// <c>GET/POST /_matrix/federation/v1/publicRooms</c>: <c>limit</c> (null for none: the spec's 0), <c>since</c>, the
/// <c>filter</c>'s <c>generic_search_term</c> and <c>room_types</c> (a null entry: rooms without a type),
/// <c>include_all_networks</c>, <c>third_party_instance_id</c>.
/// </summary>
public sealed record FederationPublicRoomsQuery(
    int? Limit,
    string? Since,
    string? GenericSearchTerm,
    IReadOnlyList<string?>? RoomTypes,
    bool IncludeAllNetworks,
    string? ThirdPartyInstanceId);
