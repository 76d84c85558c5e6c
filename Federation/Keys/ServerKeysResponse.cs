using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Nodes;
using Messenger.Federation.Ports;
using Messenger.Federation.Protocol.Json;
using Messenger.Federation.Protocol.Signing;

namespace Messenger.Federation.Keys;

/// <summary>
/// A server's key response (<c>GET /_matrix/key/v2/server</c>, or one entry of a notary's <c>server_keys</c>),
/// checked: it names the server we asked about, has a <c>valid_until_ts</c>, its keys are Ed25519 keys, and it is
/// signed by the server itself with at least one of the <c>verify_keys</c> it lists (every such signature must hold).
/// Keys in <c>old_verify_keys</c> sign nothing here; they are only good for old events.
/// </summary>
public sealed record ServerKeysResponse(string ServerName, long ValidUntilTs, IReadOnlyDictionary<string, VerifyKey> VerifyKeys,
    IReadOnlyDictionary<string, (VerifyKey Key, long ExpiredTs)> OldVerifyKeys, JsonObject Json)
{
    /// <summary>Parses and checks the self-signature; <paramref name="error"/> says why a response is refused.</summary>
    public static bool TryParse(JsonObject json, string expectedServer, [NotNullWhen(true)] out ServerKeysResponse? response,
        [NotNullWhen(false)] out string? error)
    {
        response = null;
        if (json["server_name"] is not JsonValue nameValue || !nameValue.TryGetValue<string>(out var serverName) || serverName != expectedServer)
        {
            error = $"key response does not name {expectedServer}";
            return false;
        }
        if (json["valid_until_ts"] is not JsonValue until || !until.TryGetValue<long>(out var validUntil))
        {
            error = "key response has no integer valid_until_ts";
            return false;
        }
        if (json["verify_keys"] is not JsonObject verifyKeys)
        {
            error = "key response has no verify_keys";
            return false;
        }

        var current = new Dictionary<string, VerifyKey>(StringComparer.Ordinal);
        foreach (var (keyId, entry) in verifyKeys)
        {
            if (!keyId.StartsWith("ed25519:", StringComparison.Ordinal)) continue;
            if (entry is not JsonObject o || o["key"] is not JsonValue k || !k.TryGetValue<string>(out var text) || !VerifyKey.TryParse(text, out var key))
            {
                error = $"verify key {keyId} is not an Ed25519 key";
                return false;
            }
            current[keyId] = key;
        }

        var old = new Dictionary<string, (VerifyKey, long)>(StringComparer.Ordinal);
        if (json["old_verify_keys"] is JsonObject oldKeys)
        {
            foreach (var (keyId, entry) in oldKeys)
            {
                if (!keyId.StartsWith("ed25519:", StringComparison.Ordinal)) continue;
                if (entry is JsonObject o && o["key"] is JsonValue k && k.TryGetValue<string>(out var text) && VerifyKey.TryParse(text, out var key)
                    && o["expired_ts"] is JsonValue e && e.TryGetValue<long>(out var expired))
                {
                    old[keyId] = (key, expired);
                }
            }
        }

        var check = JsonSignatures.Verify(json, serverName,
            (server, keyId) => server == serverName && current.TryGetValue(keyId, out var key) ? new ServerVerifyKey(key) : null,
            numbers: CanonicalNumbers.AllowLargeIntegers);
        if (!check.IsValid)
        {
            error = $"key response of {serverName} is not self-signed: {check}";
            return false;
        }
        response = new ServerKeysResponse(serverName, validUntil, current, old, json);
        error = null;
        return true;
    }

    /// <summary>The rows to cache: each current key with the response's validity, each old key with its expiry.</summary>
    public IReadOnlyList<StoredServerKey> ToStored(long fetchedTs)
    {
        var text = Json.ToJsonString();
        var keys = VerifyKeys.Select(k => new StoredServerKey(ServerName, k.Key, k.Value.Base64, ValidUntilTs, null, fetchedTs, text)).ToList();
        keys.AddRange(OldVerifyKeys.Where(o => !VerifyKeys.ContainsKey(o.Key))
            .Select(o => new StoredServerKey(ServerName, o.Key, o.Value.Key.Base64, o.Value.ExpiredTs, o.Value.ExpiredTs, fetchedTs, text)));
        return keys;
    }

    /// <summary>
    /// When a cached key stops being usable (ms): an old key at its <c>expired_ts</c>; a current key at the lesser of
    /// <c>valid_until_ts</c> and seven days after it was fetched ("Servers MUST use the lesser of this field and 7
    /// days into the future").
    /// </summary>
    public static long EffectiveValidUntil(StoredServerKey key) =>
        key.ExpiredTs ?? Math.Min(key.ValidUntilTs, key.FetchedTs + (long)TimeSpan.FromDays(7).TotalMilliseconds);
}
