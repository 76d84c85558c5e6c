using System.Text.Json.Nodes;

namespace Messenger.Homeserver.ClientApi.Directories;

/// <summary>
/// Rooms of a space this server does not have ("Spaces": "Where a child room is unknown to the local server,
/// federation is used to fill in the details"): the federation client asks the child's <c>via</c> servers with
/// <c>GET /_matrix/federation/v1/hierarchy/{roomId}</c> and returns the response's <c>room</c> (a room summary with its
/// <c>children_state</c>). Federation implements it, and answers that same federation request from
/// <see cref="SpaceHierarchyService.RoomEntryAsync"/>; until then <see cref="UnreachableRemoteSpaceHierarchy"/> knows
/// no remote room, so such children are left out, as unreachable ones will be.
/// </summary>
public interface IRemoteSpaceHierarchy
{
    /// <summary>The room's summary with <c>children_state</c>, or null when no server in <paramref name="via"/> answered.</summary>
    Task<JsonObject?> GetRoomAsync(string roomId, IReadOnlyList<string> via, bool suggestedOnly, CancellationToken ct);
}
