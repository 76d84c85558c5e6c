using Messenger.Federation.Protocol.Encoding;
using Messenger.Federation.Protocol.Keys;

namespace Messenger.Federation.Tests.Protocol;

/// <summary>The signing key of the appendix's "Cryptographic Test Vectors": server <c>domain</c>, key <c>ed25519:1</c>.</summary>
internal static class SpecSigningKey
{
    public const string Server = "domain";
    public const string KeyId = "ed25519:1";
    public const string SeedBase64 = "YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1";

    /// <summary>Not printed in the spec: derived from the seed (test-vectors.json, "derived_public_key_base64").</summary>
    public const string PublicKeyBase64 = "XGX0JRS2Af3be3knz2fBiRbApjm2Dh61gXDJA8kcJNI";

    public static ServerSigningKey Create() => ServerSigningKey.FromSeed("1", UnpaddedBase64.Decode(SeedBase64));
}
