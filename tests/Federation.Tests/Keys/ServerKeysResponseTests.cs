using System.Text.Json.Nodes;
using Messenger.Federation.Keys;
using Messenger.Federation.Ports;
using Messenger.Federation.Protocol.Keys;
using Messenger.Federation.Protocol.Signing;

namespace Messenger.Federation.Tests.Keys;

/// <summary>
/// Checking a fetched key response ("Retrieving server keys"): it must name the server asked about, carry
/// <c>valid_until_ts</c>, and be signed by the server with a key it lists in <c>verify_keys</c>; cached keys count
/// until the lesser of <c>valid_until_ts</c> and seven days after fetching, old keys until <c>expired_ts</c>.
/// </summary>
public sealed class ServerKeysResponseTests
{
    private static readonly ServerSigningKey Key = ServerSigningKey.FromSeed("cur", Enumerable.Repeat((byte)7, 32).ToArray());
    private static readonly ServerSigningKey OldKey = ServerSigningKey.FromSeed("old", Enumerable.Repeat((byte)9, 32).ToArray());

    private static JsonObject Response(string server = "example.org", long validUntil = 1_700_000_000_000, ServerSigningKey? signer = null)
    {
        var json = new JsonObject
        {
            ["server_name"] = server,
            ["verify_keys"] = new JsonObject { [Key.KeyId] = new JsonObject { ["key"] = Key.PublicKeyBase64 } },
            ["old_verify_keys"] = new JsonObject { [OldKey.KeyId] = new JsonObject { ["key"] = OldKey.PublicKeyBase64, ["expired_ts"] = 1_600_000_000_000 } },
            ["valid_until_ts"] = validUntil,
        };
        JsonSignatures.Sign(json, server, signer ?? Key);
        return json;
    }

    [Fact]
    public void A_self_signed_response_is_accepted_with_current_and_old_keys()
    {
        Assert.True(ServerKeysResponse.TryParse(Response(), "example.org", out var response, out var error), error);
        Assert.Equal(Key.VerifyKey, response.VerifyKeys[Key.KeyId]);
        Assert.Equal((OldKey.VerifyKey, 1_600_000_000_000L), response.OldVerifyKeys[OldKey.KeyId]);
        Assert.Equal(1_700_000_000_000, response.ValidUntilTs);
    }

    [Fact]
    public void A_response_for_another_server_is_refused() =>
        Assert.False(ServerKeysResponse.TryParse(Response(server: "evil.org"), "example.org", out _, out _));

    [Fact]
    public void A_response_signed_only_by_an_old_or_unlisted_key_is_refused()
    {
        Assert.False(ServerKeysResponse.TryParse(Response(signer: OldKey), "example.org", out _, out var error));
        Assert.Contains("not self-signed", error);
    }

    [Fact]
    public void A_tampered_response_is_refused()
    {
        var json = Response();
        json["valid_until_ts"] = 1_900_000_000_000;
        Assert.False(ServerKeysResponse.TryParse(json, "example.org", out _, out _));
    }

    [Fact]
    public void A_response_without_valid_until_ts_is_refused()
    {
        var json = Response();
        json.Remove("valid_until_ts");
        JsonSignatures.Sign(json, "example.org", Key);
        Assert.False(ServerKeysResponse.TryParse(json, "example.org", out _, out _));
    }

    [Fact]
    public void Stored_keys_count_until_the_lesser_of_valid_until_and_seven_days_after_fetching()
    {
        const long fetched = 1_000_000_000_000;
        var week = (long)TimeSpan.FromDays(7).TotalMilliseconds;
        Assert.Equal(fetched + 1000, ServerKeysResponse.EffectiveValidUntil(new StoredServerKey("s", "k", "x", fetched + 1000, null, fetched, "{}")));
        Assert.Equal(fetched + week, ServerKeysResponse.EffectiveValidUntil(new StoredServerKey("s", "k", "x", fetched + 30 * week, null, fetched, "{}")));
        Assert.Equal(5, ServerKeysResponse.EffectiveValidUntil(new StoredServerKey("s", "k", "x", 5, 5, fetched, "{}")));
    }

    [Fact]
    public void To_stored_keeps_the_exact_response_for_each_key()
    {
        Assert.True(ServerKeysResponse.TryParse(Response(), "example.org", out var response, out _));
        var stored = response.ToStored(42);
        Assert.Equal(2, stored.Count);
        Assert.All(stored, s => Assert.Equal(response.Json.ToJsonString(), s.ResponseJson));
        Assert.Null(Assert.Single(stored, s => s.KeyId == Key.KeyId).ExpiredTs);
        Assert.Equal(1_600_000_000_000, Assert.Single(stored, s => s.KeyId == OldKey.KeyId).ExpiredTs);
    }
}
