namespace Messenger.Federation.Discovery;

/// <summary>The delegated server name of a hostname from <c>https://hostname/.well-known/matrix/server</c>, cached.</summary>
public interface IWellKnownResolver
{
    /// <summary>The valid <c>m.server</c> value, or null when the lookup failed or the answer was invalid (skip to SRV).</summary>
    Task<string?> GetDelegatedServerAsync(string hostname, CancellationToken ct);
}
