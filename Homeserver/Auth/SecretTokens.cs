using System.Security.Cryptography;
using System.Text;
using Messenger.Federation.Protocol.Encoding;

namespace Messenger.Homeserver.Auth;

/// <summary>
/// Access and refresh tokens: 256 random bits, URL-safe, with a prefix that tells a leaked token's kind at a glance.
/// Only their SHA-256 is stored, so a database dump gives no working token.
/// </summary>
public static class SecretTokens
{
    public const string AccessPrefix = "mxa_";
    public const string RefreshPrefix = "mxr_";

    public static string NewAccessToken() => AccessPrefix + Random256();
    public static string NewRefreshToken() => RefreshPrefix + Random256();

    public static byte[] HashOf(string token) =>
        NSec.Cryptography.HashAlgorithm.Sha256.Hash(Encoding.UTF8.GetBytes(token));

    /// <summary>A device id as Synapse makes them: ten upper-case letters.</summary>
    public static string NewDeviceId() =>
        string.Create(10, 0, (span, _) =>
        {
            for (var i = 0; i < span.Length; i++) span[i] = (char)('A' + RandomNumberGenerator.GetInt32(26));
        });

    /// <summary>An opaque random identifier (UIA sessions, nonces).</summary>
    public static string NewOpaqueId(int bytes = 18) => UnpaddedBase64.EncodeUrlSafe(RandomNumberGenerator.GetBytes(bytes));

    private static string Random256() => UnpaddedBase64.EncodeUrlSafe(RandomNumberGenerator.GetBytes(32));
}
