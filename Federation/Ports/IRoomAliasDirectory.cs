namespace Messenger.Federation.Ports;

/// <summary>This server's room aliases, for <c>GET /_matrix/federation/v1/query/directory</c>. The homeserver implements it.</summary>
public interface IRoomAliasDirectory
{
    /// <summary>The room a local alias names and the servers in that room (ours first), or null when there is no such alias.</summary>
    Task<(string RoomId, IReadOnlyList<string> Servers)?> ResolveAsync(string alias, CancellationToken ct);
}
