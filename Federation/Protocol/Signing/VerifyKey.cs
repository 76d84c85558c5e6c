using System.Diagnostics.CodeAnalysis;
using Messenger.Federation.Protocol.Encoding;
using NSec.Cryptography;

namespace Messenger.Federation.Protocol.Signing;

/// <summary>
/// An Ed25519 public key as servers publish it in <c>verify_keys</c>: 32 bytes, unpadded base64
/// (appendix, "Cryptographic key representation"). Immutable and cheap to share between threads.
/// </summary>
public sealed class VerifyKey : IEquatable<VerifyKey>
{
    private static readonly SignatureAlgorithm Ed25519 = SignatureAlgorithm.Ed25519;

    private VerifyKey(PublicKey key)
    {
        Key = key;
        Base64 = UnpaddedBase64.Encode(key.Export(KeyBlobFormat.RawPublicKey));
    }

    internal PublicKey Key { get; }

    /// <summary>The key, unpadded base64.</summary>
    public string Base64 { get; }

    /// <summary>Parses unpadded (or padded) base64 of a raw 32-byte Ed25519 public key.</summary>
    public static bool TryParse([NotNullWhen(true)] string? base64, [NotNullWhen(true)] out VerifyKey? key)
    {
        key = null;
        return base64 is not null && UnpaddedBase64.TryDecode(base64, out var bytes) && TryFromBytes(bytes, out key);
    }

    public static bool TryFromBytes(ReadOnlySpan<byte> raw, [NotNullWhen(true)] out VerifyKey? key)
    {
        key = null;
        if (raw.Length != Ed25519.PublicKeySize) return false;
        if (!PublicKey.TryImport(Ed25519, raw, KeyBlobFormat.RawPublicKey, out var publicKey) || publicKey is null) return false;
        key = new VerifyKey(publicKey);
        return true;
    }

    internal static VerifyKey From(PublicKey key) => new(key);

    /// <summary>True when <paramref name="signature"/> is this key's Ed25519 signature of <paramref name="data"/>.</summary>
    public bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature) =>
        signature.Length == Ed25519.SignatureSize && Ed25519.Verify(Key, data, signature);

    public bool Equals(VerifyKey? other) => other is not null && Base64 == other.Base64;
    public override bool Equals(object? obj) => Equals(obj as VerifyKey);
    public override int GetHashCode() => Base64.GetHashCode(StringComparison.Ordinal);
    public override string ToString() => "ed25519 " + Base64;
}
