using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Keys;
using Messenger.Federation.Protocol.Signing;

namespace Messenger.Federation.Keys;

/// <summary>
/// Our own key response (<c>GET /_matrix/key/v2/server</c>, "Publishing Keys"): the current key in
/// <c>verify_keys</c>, retired keys in <c>old_verify_keys</c>, <c>valid_until_ts</c> the configured validity ahead,
/// self-signed. Also what the resolver answers for our own server name without any request.
/// </summary>
public sealed class LocalServerKeys(FederationOptions options, ServerSigningKey signingKey, TimeProvider time)
{
    public string ServerName => options.ServerName;

    public ServerSigningKey SigningKey => signingKey;

    public JsonObject BuildResponse()
    {
        var oldKeys = new JsonObject();
        foreach (var old in options.OldVerifyKeys)
        {
            oldKeys[old.KeyId] = new JsonObject { ["key"] = old.Key, ["expired_ts"] = old.ExpiredTs };
        }
        var json = new JsonObject
        {
            ["server_name"] = options.ServerName,
            ["verify_keys"] = new JsonObject { [signingKey.KeyId] = new JsonObject { ["key"] = signingKey.PublicKeyBase64 } },
            ["old_verify_keys"] = oldKeys,
            ["valid_until_ts"] = time.GetUtcNow().ToUnixTimeMilliseconds() + (long)options.KeyValidity.TotalMilliseconds,
        };
        JsonSignatures.Sign(json, options.ServerName, signingKey);
        return json;
    }

    /// <summary>Our keys as the resolver hands them out: the current one without end, old ones until they expired.</summary>
    public IReadOnlyDictionary<string, ServerVerifyKey> VerifyKeys()
    {
        var keys = new Dictionary<string, ServerVerifyKey>(StringComparer.Ordinal) { [signingKey.KeyId] = new(signingKey.VerifyKey) };
        foreach (var old in options.OldVerifyKeys)
        {
            if (VerifyKey.TryParse(old.Key, out var key)) keys.TryAdd(old.KeyId, new ServerVerifyKey(key, old.ExpiredTs));
        }
        return keys;
    }
}
