using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Encoding;
using Messenger.Federation.Protocol.Json;
using Messenger.Federation.Protocol.Keys;

namespace Messenger.Federation.Protocol.Signing;

/// <summary>
/// Signing and checking signed JSON (appendix, "Signing Details" and "Checking for a Signature"): the signature covers
/// the canonical JSON of the object without <c>signatures</c> and <c>unsigned</c>, and lives at
/// <c>signatures.&lt;entity&gt;.&lt;key id&gt;</c>, so several entities and keys can sign one object.
/// </summary>
public static class JsonSignatures
{
    /// <summary>Top-level keys that signatures never cover.</summary>
    internal static readonly string[] Unsigned = ["signatures", "unsigned"];

    private const string Ed25519Prefix = "ed25519:";

    /// <summary>Signs <paramref name="obj"/> in place, adding <c>signatures.&lt;signingName&gt;.&lt;key id&gt;</c> and keeping other signatures.</summary>
    public static SigningResult Sign(JsonObject obj, string signingName, ServerSigningKey key, CanonicalNumbers numbers = CanonicalNumbers.Strict)
    {
        var canonical = CanonicalJson.Encode(obj, Unsigned, numbers);
        if (!canonical.IsSuccess) return new SigningResult(null, canonical.Error);
        var signature = UnpaddedBase64.Encode(key.Sign(canonical.Bytes));

        if (obj["signatures"] is not JsonObject signatures)
        {
            signatures = [];
            obj["signatures"] = signatures;
        }
        if (signatures[signingName] is not JsonObject mine)
        {
            mine = [];
            signatures[signingName] = mine;
        }
        mine[key.KeyId] = signature;
        return new SigningResult(signature, null);
    }

    /// <summary>Checks one named key of <paramref name="signingName"/> against a known public key.</summary>
    public static SignatureCheck Verify(JsonObject obj, string signingName, string keyId, VerifyKey key, CanonicalNumbers numbers = CanonicalNumbers.Strict) =>
        Verify(obj, signingName, (server, id) => server == signingName && id == keyId ? new ServerVerifyKey(key) : null, null, numbers);

    /// <summary>
    /// Checks <paramref name="signingName"/>'s signatures on <paramref name="obj"/> with the keys <paramref name="keys"/> knows.
    /// Unknown algorithms and unknown keys are skipped, and so are keys expired before <paramref name="signedAt"/> when
    /// given; at least one signature must remain and every remaining one must verify.
    /// </summary>
    public static SignatureCheck Verify(JsonObject obj, string signingName, VerifyKeyLookup keys, long? signedAt = null,
        CanonicalNumbers numbers = CanonicalNumbers.Strict)
    {
        if (obj["signatures"] is not JsonObject signatures || signatures[signingName] is not JsonObject mine || mine.Count == 0)
            return new SignatureCheck(SignatureStatus.Missing, $"no signature from {signingName}");

        byte[]? canonical = null;
        var checkedAny = false;
        foreach (var (keyId, value) in mine)
        {
            if (!keyId.StartsWith(Ed25519Prefix, StringComparison.Ordinal)) continue;
            var known = keys(signingName, keyId);
            if (known is null || signedAt is { } ts && !known.IsValidAt(ts)) continue;

            if (value is not JsonValue v || !v.TryGetValue<string>(out var text) || !UnpaddedBase64.TryDecode(text, out var signature))
                return new SignatureCheck(SignatureStatus.Invalid, $"signature {signingName} {keyId} is not base64");
            if (canonical is null)
            {
                var encoded = CanonicalJson.Encode(obj, Unsigned, numbers);
                if (!encoded.IsSuccess) return new SignatureCheck(SignatureStatus.NotCanonical, encoded.Error);
                canonical = encoded.Bytes;
            }
            if (!known.Key.Verify(canonical, signature))
                return new SignatureCheck(SignatureStatus.Invalid, $"signature {signingName} {keyId} does not verify");
            checkedAny = true;
        }
        return checkedAny
            ? SignatureCheck.Valid
            : new SignatureCheck(SignatureStatus.NoKnownKey, $"no known unexpired ed25519 key of {signingName} among its signatures");
    }
}
