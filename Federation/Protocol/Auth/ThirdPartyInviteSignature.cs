using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Encoding;
using Messenger.Federation.Protocol.Json;
using NSec.Cryptography;

namespace Messenger.Federation.Protocol.Auth;

/// <summary>
/// Invite rule 1.7: "If any signature in <c>signed</c> matches any public key in the <c>m.room.third_party_invite</c> event, allow."
/// The keys are <c>content.public_key</c> and each <c>content.public_keys[].public_key</c> (unpadded base64, standard or URL-safe);
/// the signatures are <c>signed.signatures.{server}.{ed25519:id}</c> over the canonical JSON of <c>signed</c> without
/// <c>signatures</c> and <c>unsigned</c> (appendices "Signing JSON"). Only Ed25519 exists, so other algorithms never match.
/// </summary>
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
                if (!UnpaddedBase64.TryDecode(signatureText, out var signature) || signature.Length != SignatureAlgorithm.Ed25519.SignatureSize) continue;
                foreach (var key in keys)
                {
                    if (SignatureAlgorithm.Ed25519.Verify(key, message, signature)) return true;
                }
            }
        }
        return false;
    }

    private static List<PublicKey> PublicKeys(JsonObject content)
    {
        var keys = new List<PublicKey>();
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

    private static void AddKey(List<PublicKey> keys, JsonNode? node)
    {
        if (node is not JsonValue v || !v.TryGetValue(out string? text) || !UnpaddedBase64.TryDecode(text, out var raw)) return;
        if (PublicKey.TryImport(SignatureAlgorithm.Ed25519, raw, KeyBlobFormat.RawPublicKey, out var key) && key is not null) keys.Add(key);
    }
}
