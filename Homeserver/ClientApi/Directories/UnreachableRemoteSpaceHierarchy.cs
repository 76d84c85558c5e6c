using System.Text.Json.Nodes;

namespace Messenger.Homeserver.ClientApi.Directories;

/// <summary>The remote space hierarchy while federation is not wired: no other server answers.</summary>
public sealed class UnreachableRemoteSpaceHierarchy : IRemoteSpaceHierarchy
{
    public Task<JsonObject?> GetRoomAsync(string roomId, IReadOnlyList<string> via, bool suggestedOnly, CancellationToken ct) =>
        Task.FromResult<JsonObject?>(null);
}
