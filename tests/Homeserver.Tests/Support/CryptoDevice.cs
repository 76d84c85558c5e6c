using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Encoding;
using Messenger.Federation.Protocol.Keys;
using Messenger.Federation.Protocol.Signing;

namespace Messenger.Homeserver.Tests.Support;

/// <summary>
/// A logged-in device with real Ed25519 keys (NSec through the protocol core), making the signed objects an
/// encrypting client uploads: device keys, signed one-time and fallback keys, cross-signing keys and signatures.
/// </summary>
public sealed class CryptoDevice(Session session) : IDisposable
{
    public Session Session { get; } = session;
    public string UserId => Session.UserId;
    public string DeviceId => Session.DeviceId;
    public string Token => Session.AccessToken;

    /// <summary>The device's Ed25519 key; its key id is <c>ed25519:&lt;device id&gt;</c>.</summary>
    public ServerSigningKey SigningKey { get; } = ServerSigningKey.Generate(session.DeviceId);

    public string Curve25519 { get; } = RandomKey();

    /// <summary>Signed <c>device_keys</c> as <c>/keys/upload</c> takes them.</summary>
    public JsonObject DeviceKeys(ServerSigningKey? signer = null)
    {
        var keys = new JsonObject
        {
            ["user_id"] = UserId,
            ["device_id"] = DeviceId,
            ["algorithms"] = new JsonArray("m.olm.v1.curve25519-aes-sha2", "m.megolm.v1.aes-sha2"),
            ["keys"] = new JsonObject
            {
                ["curve25519:" + DeviceId] = Curve25519,
                ["ed25519:" + DeviceId] = SigningKey.PublicKeyBase64,
            },
        };
        Sign(keys, signer ?? SigningKey);
        return keys;
    }

    /// <summary>A <c>signed_curve25519</c> key object signed by this device (or by <paramref name="signer"/>).</summary>
    public JsonObject SignedKey(bool fallback = false, ServerSigningKey? signer = null)
    {
        var key = new JsonObject { ["key"] = RandomKey() };
        if (fallback) key["fallback"] = true;
        Sign(key, signer ?? SigningKey);
        return key;
    }

    /// <summary>One-time keys <c>signed_curve25519:&lt;prefix&gt;N</c>.</summary>
    public JsonObject OneTimeKeys(int count, string prefix = "k")
    {
        var keys = new JsonObject();
        for (var i = 0; i < count; i++) keys[$"signed_curve25519:{prefix}{i}"] = SignedKey();
        return keys;
    }

    /// <summary>Signs with <paramref name="key"/> as this device's user (<c>signatures.&lt;user&gt;.&lt;key id&gt;</c>).</summary>
    public JsonObject Sign(JsonObject obj, ServerSigningKey key)
    {
        var result = JsonSignatures.Sign(obj, UserId, key);
        Assert.True(result.IsSuccess, result.Error);
        return obj;
    }

    /// <summary>A cross-signing key pair; its key id is <c>ed25519:&lt;public key&gt;</c>, as the spec names them.</summary>
    public static ServerSigningKey NewCrossSigningKey()
    {
        using var temporary = ServerSigningKey.Generate();
        var seed = UnpaddedBase64.Decode(temporary.Format().Split(' ')[2]);
        return ServerSigningKey.FromSeed(temporary.PublicKeyBase64, seed);
    }

    /// <summary>A <c>CrossSigningKey</c> object of this user with the given usage, signed by <paramref name="signer"/> if given.</summary>
    public JsonObject CrossSigningKey(ServerSigningKey key, string usage, ServerSigningKey? signer = null)
    {
        var obj = new JsonObject
        {
            ["user_id"] = UserId,
            ["usage"] = new JsonArray(usage),
            ["keys"] = new JsonObject { ["ed25519:" + key.PublicKeyBase64] = key.PublicKeyBase64 },
        };
        if (signer is not null) Sign(obj, signer);
        return obj;
    }

    public static string RandomKey() => UnpaddedBase64.Encode(RandomNumberGenerator.GetBytes(32));

    public void Dispose() => SigningKey.Dispose();
}
