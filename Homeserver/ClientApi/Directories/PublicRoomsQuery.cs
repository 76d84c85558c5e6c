namespace Messenger.Homeserver.ClientApi.Directories;

/// <summary>
/// Body of <c>POST /publicRooms</c> ("Published room directory"); <c>GET /publicRooms</c> fills <see cref="Limit"/> and
/// <see cref="Since"/> from the query string. The same shape is what the federation API's
/// <c>/_matrix/federation/v1/publicRooms</c> carries, so both ends use this record.
/// </summary>
public sealed record PublicRoomsQuery(
    int? Limit = null,
    string? Since = null,
    PublicRoomsFilter? Filter = null,
    bool? IncludeAllNetworks = null,
    string? ThirdPartyInstanceId = null);

/// <summary>The <c>filter</c> of <see cref="PublicRoomsQuery"/>. A null entry of <see cref="RoomTypes"/> means "rooms without a type".</summary>
public sealed record PublicRoomsFilter(string? GenericSearchTerm = null, List<string?>? RoomTypes = null);
