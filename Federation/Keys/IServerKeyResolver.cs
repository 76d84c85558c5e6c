using Messenger.Federation.Protocol.Signing;

namespace Messenger.Federation.Keys;

/// <summary>
/// Other servers' public keys, from the cache or fetched when missing (directly, then through trusted notaries).
/// Used to check X-Matrix request signatures and PDU signatures.
/// </summary>
public interface IServerKeyResolver
{
    /// <summary>
    /// The keys of <paramref name="serverName"/> named in <paramref name="keyIds"/> (all known keys when empty). Keys
    /// that are missing, or current keys whose validity ends before <paramref name="minimumValidUntilTs"/>, are
    /// fetched again first (keys used beyond their <c>valid_until_ts</c> are invalid from room version 5). Keys that
    /// still cannot be found are simply absent from the answer; never throws for an unreachable server.
    /// Each key carries when it stops being valid: the lesser of <c>valid_until_ts</c> and seven days after it was
    /// fetched, or an old key's <c>expired_ts</c>.
    /// </summary>
    Task<IReadOnlyDictionary<string, ServerVerifyKey>> GetVerifyKeysAsync(string serverName, IReadOnlyCollection<string> keyIds,
        long minimumValidUntilTs, CancellationToken ct);
}
