namespace Messenger.Federation.Protocol.Signing;

/// <summary>
/// A server's public key as the key store knows it. <paramref name="ValidUntilTs"/> is the moment (ms since the epoch)
/// after which the key may not be used: the lesser of the published <c>valid_until_ts</c> and seven days after it was
/// fetched, or the <c>expired_ts</c> of an old key (server-server API, "Retrieving server keys"; room version 5
/// "Signing key validity period"). Null when the key has no known end.
/// </summary>
public sealed record ServerVerifyKey(VerifyKey Key, long? ValidUntilTs = null)
{
    /// <summary>True when the key may check a signature made at <paramref name="timestamp"/>.</summary>
    public bool IsValidAt(long timestamp) => ValidUntilTs is not { } until || until >= timestamp;
}
