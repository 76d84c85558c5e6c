using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Encoding;
using Messenger.Federation.Protocol.Json;
using Messenger.Federation.Protocol.Signing;

namespace Messenger.Federation.Protocol.Auth;

/// <summary>
/// Invite rule 1.7: "If any signature in <c>signed</c> matches any public key in the <c>m.room.third_party_invite</c> event, allow."
/// The keys are <c>content.public_key</c> and each <c>content.public_keys[].public_key</c> (unpadded base64, standard or URL-safe);
/// the signatures are <c>signed.signatures.{server}.{ed25519:id}</c> over the canonical JSON of <c>signed</c> without
/// <c>signatures</c> and <c>unsigned</c> (appendices "Signing JSON"). Only Ed25519 exists, so other algorithms never match.
/// </summary>
/// <remarks>
/// <see cref="JsonSignatures.Verify(JsonObject, string, VerifyKeyLookup, long?, CanonicalNumbers)"/> wants every known
/// signature of one entity to verify; this rule wants any signature under any entity to match any key, hence its own loop.
/// </remarks>
internal static class ThirdPartyInviteSignature
{
    private static readonly string[] Unsigned = ["signatures", "unsigned"];

    public static bool VerifiesWithAnyKey(JsonObject signed, JsonObject thirdPartyInviteContent)
    {
        if (signed["signatures"] is not JsonObject signatures) return false;
        var keys = PublicKeys(thirdPartyInviteContent);
        if (keys.Count == 0) return false;
        var encoded = CanonicalJson.Encode(signed, Unsigned);
        if (encoded.Bytes is not { } message) return false;

        foreach (var (_, serverSignatures) in signatures)
        {
            if (serverSignatures is not JsonObject byKeyId) continue;
            foreach (var (keyId, signatureNode) in byKeyId)
            {
                if (!keyId.StartsWith("ed25519:", StringComparison.Ordinal)) continue;
                if (signatureNode is not JsonValue sv || !sv.TryGetValue(out string? signatureText)) continue;
                if (!UnpaddedBase64.TryDecode(signatureText, out var signature)) continue;
                foreach (var key in keys)
                {
                    if (key.Verify(message, signature)) return true;
                }
            }
        }
        return false;
    }

    private static List<VerifyKey> PublicKeys(JsonObject content)
    {
        var keys = new List<VerifyKey>();
        AddKey(keys, content["public_key"]);
        if (content["public_keys"] is JsonArray list)
        {
            foreach (var entry in list)
            {
                if (entry is JsonObject keyObject) AddKey(keys, keyObject["public_key"]);
            }
        }
        return keys;
    }

    private static void AddKey(List<VerifyKey> keys, JsonNode? node)
    {
        if (node is JsonValue v && v.TryGetValue(out string? text) && VerifyKey.TryParse(text, out var key)) keys.Add(key);
    }
}
