using Messenger.Federation.Protocol.Encoding;
using Messenger.Federation.Protocol.Signing;
using NSec.Cryptography;

namespace Messenger.Federation.Protocol.Keys;

/// <summary>
/// A server's Ed25519 signing key with its key id (<c>ed25519:&lt;version&gt;</c>).
/// The text form is the one Synapse writes to its signing key file, one key per line:
/// <c>ed25519 &lt;version&gt; &lt;unpadded base64 seed&gt;</c>, so operators can move keys between servers.
/// </summary>
public sealed class ServerSigningKey : IDisposable
{
    private static readonly SignatureAlgorithm Ed25519 = SignatureAlgorithm.Ed25519;

    private ServerSigningKey(string version, Key key)
    {
        Version = version;
        Key = key;
        VerifyKey = VerifyKey.From(key.PublicKey);
        PublicKeyBase64 = VerifyKey.Base64;
    }

    /// <summary>The version part of the key id, e.g. <c>a_AbCd</c>.</summary>
    public string Version { get; }

    /// <summary>The key id as used in <c>signatures</c> and <c>verify_keys</c>: <c>ed25519:&lt;version&gt;</c>.</summary>
    public string KeyId => "ed25519:" + Version;

    /// <summary>The public key, unpadded base64, as published in <c>verify_keys</c>.</summary>
    public string PublicKeyBase64 { get; }

    /// <summary>The public half, to verify what this key signed.</summary>
    public VerifyKey VerifyKey { get; }

    internal Key Key { get; }

    /// <summary>Signs raw bytes (normally canonical JSON) with this key.</summary>
    public byte[] Sign(ReadOnlySpan<byte> data) => Ed25519.Sign(Key, data);

    /// <summary>Creates a fresh key; the version is 6 random characters from the key id grammar.</summary>
    public static ServerSigningKey Generate(string? version = null)
    {
        version ??= "a_" + UnpaddedBase64.EncodeUrlSafe(System.Security.Cryptography.RandomNumberGenerator.GetBytes(3)).Replace('-', 'x').Replace('_', 'y');
        var key = Key.Create(Ed25519, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport });
        return new ServerSigningKey(version, key);
    }

    /// <summary>Builds a key from its 32-byte seed.</summary>
    public static ServerSigningKey FromSeed(string version, ReadOnlySpan<byte> seed)
    {
        if (seed.Length != 32) throw new FormatException("an Ed25519 seed is 32 bytes");
        var key = Key.Import(Ed25519, seed, KeyBlobFormat.RawPrivateKey,
            new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport });
        return new ServerSigningKey(version, key);
    }

    /// <summary>Parses one line of a Synapse-format signing key file.</summary>
    public static ServerSigningKey Parse(string line)
    {
        var parts = line.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 3 || parts[0] != "ed25519")
            throw new FormatException("expected 'ed25519 <version> <unpadded base64 seed>'");
        if (!KeyIdGrammar.IsValidVersion(parts[1]))
            throw new FormatException($"key version '{parts[1]}' has characters outside [a-zA-Z0-9_]");
        if (!UnpaddedBase64.TryDecode(parts[2], out var seed))
            throw new FormatException("the seed is not valid base64");
        return FromSeed(parts[1], seed);
    }

    /// <summary>The Synapse file form: <c>ed25519 &lt;version&gt; &lt;seed&gt;</c>.</summary>
    public string Format() => $"ed25519 {Version} {UnpaddedBase64.Encode(Key.Export(KeyBlobFormat.RawPrivateKey))}";

    public void Dispose() => Key.Dispose();
}
