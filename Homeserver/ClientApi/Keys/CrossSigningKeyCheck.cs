using System.Text.Json.Nodes;
using Messenger.Homeserver.Errors;

namespace Messenger.Homeserver.ClientApi.Keys;

/// <summary>
/// The shape rules of an uploaded <c>CrossSigningKey</c>: the requester's own user id, the expected usage, and exactly
/// one key named <c>ed25519:&lt;public key&gt;</c> whose value is that 32-byte public key.
/// </summary>
public static class CrossSigningKeyCheck
{
    /// <summary>A checked key: the public key, the object as stored (canonical, without <c>unsigned</c>) and the object itself.</summary>
    public sealed record Checked(string Usage, string PublicKey, string Json, JsonObject Object);

    public static Checked? Read(JsonObject body, string field, string usage, string userId)
    {
        switch (body[field])
        {
            case null:
                return null;
            case JsonObject obj:
                if (SignedKeyJson.String(obj, "user_id") != userId) throw MatrixError.InvalidParam($"{field}.user_id must be your user id");
                if (obj["usage"] is not JsonArray usages || !usages.Any(u => u is JsonValue v && v.TryGetValue(out string? s) && s == usage))
                    throw MatrixError.InvalidParam($"{field}.usage must contain '{usage}'");
                if (obj["keys"] is not JsonObject keys || keys.Count != 1) throw MatrixError.InvalidParam($"{field}.keys must hold exactly one key");
                var (keyId, value) = keys.First();
                var publicKey = value is JsonValue kv && kv.TryGetValue(out string? k) ? k : null;
                if (!keyId.StartsWith("ed25519:", StringComparison.Ordinal) || keyId != "ed25519:" + publicKey || !SignedKeyJson.IsPublicKey(publicKey))
                    throw MatrixError.InvalidParam($"{field}.keys must be {{\"ed25519:<public key>\": \"<public key>\"}} with a 32-byte key");
                if (obj["signatures"] is not (null or JsonObject)) throw MatrixError.BadJson($"{field}.signatures must be an object");
                var copy = obj.DeepClone().AsObject();
                copy.Remove("unsigned");
                return new Checked(usage, publicKey, SignedKeyJson.Canonical(copy, field), copy);
            default:
                throw MatrixError.BadJson($"{field} must be an object");
        }
    }
}
