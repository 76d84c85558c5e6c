using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Encoding;
using Messenger.Federation.Protocol.Json;
using Messenger.Federation.Protocol.Signing;
using Messenger.Homeserver.Errors;

namespace Messenger.Homeserver.ClientApi.Keys;

/// <summary>
/// Reading and checking the signed key objects of the key APIs ("Key algorithms", appendix "Signing JSON"):
/// public keys are 32 bytes in unpadded base64, and what the server stores is the object's canonical JSON, so that
/// "the same key uploaded again" is a byte comparison.
/// </summary>
public static class SignedKeyJson
{
    /// <summary>Largest signed key object the server keeps (device keys with many signatures stay far below it).</summary>
    public const int MaxObjectBytes = 16 * 1024;

    private static readonly string[] NotSigned = ["signatures", "unsigned"];

    /// <summary>True for a 32-byte key in unpadded base64 (Ed25519 and Curve25519 public keys alike).</summary>
    public static bool IsPublicKey([NotNullWhen(true)] string? text) =>
        text is not null && UnpaddedBase64.TryDecode(text, out var bytes) && bytes.Length == 32;

    /// <summary>The canonical JSON of a key object or value; too large or not canonical (floats) is a client error.</summary>
    public static string Canonical(JsonNode node, string what)
    {
        var encoded = CanonicalJson.Encode(node);
        if (!encoded.IsSuccess) throw MatrixError.BadJson($"{what} is not canonical JSON: {encoded.Error}");
        if (encoded.Bytes.Length > MaxObjectBytes) throw MatrixError.TooLarge($"{what} is larger than {MaxObjectBytes} bytes");
        return Encoding.UTF8.GetString(encoded.Bytes);
    }

    /// <summary>The canonical JSON of what a signature covers (the object without <c>signatures</c> and <c>unsigned</c>), or null.</summary>
    public static byte[]? SignedPart(JsonObject obj)
    {
        var encoded = CanonicalJson.Encode(obj, NotSigned);
        return encoded.IsSuccess ? encoded.Bytes : null;
    }

    /// <summary>Whether <paramref name="userId"/>'s key <paramref name="keyId"/> (public key <paramref name="publicKey"/>) signed <paramref name="obj"/>.</summary>
    public static bool IsSignedBy(JsonObject obj, string userId, string keyId, string publicKey) =>
        VerifyKey.TryParse(publicKey, out var key) && JsonSignatures.Verify(obj, userId, keyId, key).IsValid;

    /// <summary>The signatures of <paramref name="userId"/> on the object: key id → signature (strings only).</summary>
    public static IEnumerable<(string KeyId, string Signature)> SignaturesOf(JsonObject obj, string userId)
    {
        if (obj["signatures"] is not JsonObject all || all[userId] is not JsonObject mine) yield break;
        foreach (var (keyId, value) in mine)
        {
            if (value is JsonValue v && v.TryGetValue(out string? signature)) yield return (keyId, signature);
        }
    }

    /// <summary>A string property, or null when absent or not a string.</summary>
    public static string? String(JsonObject obj, string name) =>
        obj[name] is JsonValue v && v.TryGetValue(out string? s) ? s : null;

    /// <summary>Parses stored canonical JSON back into an object.</summary>
    public static JsonNode Parse(string json) => JsonNode.Parse(json)!;
}
