using Messenger.Federation.Protocol.Signing;

namespace Messenger.Homeserver.RoomServer.Remote;

/// <summary>
/// The servers' public keys that signature checks of received events need ("Validating hashes and signatures on
/// received events"). The federation transport implements it (fetching and caching keys directly or through notaries);
/// without it only this server's own key is known (<see cref="OwnServerKeys"/>).
/// </summary>
public interface IPduKeySource
{
    /// <summary>The keys among <paramref name="wanted"/> that could be found; a missing one fails the signatures that need it.</summary>
    /// <param name="minimumValidUntilTs">Keys known to expire before this (the latest event time, in v5+ rooms) are fetched again.</param>
    Task<IReadOnlyDictionary<ServerKeyId, ServerVerifyKey>> GetKeysAsync(IReadOnlyCollection<ServerKeyId> wanted, long minimumValidUntilTs, CancellationToken ct);
}

/// <summary>A server's key by key id (<c>ed25519:abc</c>).</summary>
public readonly record struct ServerKeyId(string ServerName, string KeyId);
