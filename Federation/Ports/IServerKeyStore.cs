namespace Messenger.Federation.Ports;

/// <summary>
/// The database cache of other servers' signing keys, so that keys survive restarts and old events can still be
/// checked when their server is gone (server-server API, "Retrieving server keys"). The homeserver implements it.
/// </summary>
public interface IServerKeyStore
{
    /// <summary>Every key known for <paramref name="serverName"/>, current and old.</summary>
    Task<IReadOnlyList<StoredServerKey>> GetKeysAsync(string serverName, CancellationToken ct);

    /// <summary>Inserts or replaces keys by (server, key id), in one transaction.</summary>
    Task StoreKeysAsync(IReadOnlyList<StoredServerKey> keys, CancellationToken ct);
}

/// <summary>
/// One key of a server as last fetched. <paramref name="ValidUntilTs"/> is the response's <c>valid_until_ts</c>
/// for a current key; <paramref name="ExpiredTs"/> is set for an <c>old_verify_keys</c> entry.
/// <paramref name="ResponseJson"/> is the signed key response it came from, kept byte-exact so that we can serve
/// it again as a notary. Times are ms since the Unix epoch.
/// </summary>
public sealed record StoredServerKey(string ServerName, string KeyId, string VerifyKey, long ValidUntilTs, long? ExpiredTs,
    long FetchedTs, string ResponseJson);
