using System.Text.Json.Nodes;

namespace Messenger.Homeserver.ClientApi.Keys;

/// <summary>
/// Where key queries and claims for users of other servers go (server-server API "End-to-End Encryption":
/// <c>/user/keys/query</c>, <c>/user/keys/claim</c>). The client endpoints split requests by server and ask this once
/// per remote server; an unreachable server ends up in the response's <c>failures</c>. Federation implements it;
/// until then <see cref="UnreachableRemoteKeyDirectory"/> reports every remote server as unreachable.
/// </summary>
public interface IRemoteKeyDirectory
{
    /// <summary>The server's answer (<c>device_keys</c>, <c>master_keys</c>, <c>self_signing_keys</c>) or a failure.</summary>
    Task<RemoteKeyAnswer> QueryAsync(string serverName, IReadOnlyDictionary<string, IReadOnlyList<string>> devicesByUser, TimeSpan timeout, CancellationToken ct);

    /// <summary>The server's answer (<c>one_time_keys</c>) or a failure.</summary>
    Task<RemoteKeyAnswer> ClaimAsync(string serverName, IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> algorithmByDevice, TimeSpan timeout, CancellationToken ct);
}

/// <summary>A remote server's response body, or the <c>failures</c> entry for it.</summary>
public sealed record RemoteKeyAnswer(JsonObject? Response, JsonObject? Failure)
{
    public static RemoteKeyAnswer Failed(int status, string message) => new(null, new JsonObject { ["status"] = status, ["message"] = message });
}
