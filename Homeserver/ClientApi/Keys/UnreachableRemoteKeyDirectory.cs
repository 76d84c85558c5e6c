namespace Messenger.Homeserver.ClientApi.Keys;

/// <summary>The remote key directory while federation is not wired: every remote server is reported as unreachable.</summary>
public sealed class UnreachableRemoteKeyDirectory : IRemoteKeyDirectory
{
    public Task<RemoteKeyAnswer> QueryAsync(string serverName, IReadOnlyDictionary<string, IReadOnlyList<string>> devicesByUser, TimeSpan timeout, CancellationToken ct) =>
        Task.FromResult(RemoteKeyAnswer.Failed(503, "Federation is not available"));

    public Task<RemoteKeyAnswer> ClaimAsync(string serverName, IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> algorithmByDevice, TimeSpan timeout, CancellationToken ct) =>
        Task.FromResult(RemoteKeyAnswer.Failed(503, "Federation is not available"));
}
