using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Keys;
using Messenger.Federation.Protocol.Signing;
using Xunit;

namespace Messenger.Federation.Tests.Protocol.Signing;

/// <summary>Appendix "Signing JSON", "Checking for a Signature" and the "JSON Signing" test vectors.</summary>
public class JsonSignaturesTests
{
    public static TheoryData<string, string, string> SpecVectors => new()
    {
        { "empty object", "{}", "K8280/U9SSy9IVtjBuVeLr+HpOB4BQFWbg+UZaADMtTdGYI7Geitb76LTrr5QV/7Xg4ahLwYGYZzuHGZKM5ZAQ" },
        { "integer and string", "{\"one\":1,\"two\":\"Two\"}", "KqmLSbO39/Bzb0QIYE82zqLwsA+PDzYIpIRA2sRQ4sL53+sN6/fpNSoqE7BP7vBZhG6kYdD13EIMJpvhJI+6Bw" },
    };

    [Fact]
    public void Spec_seed_derives_the_published_public_key()
    {
        using var key = SpecSigningKey.Create();

        Assert.Equal(SpecSigningKey.PublicKeyBase64, key.PublicKeyBase64);
        Assert.Equal(SpecSigningKey.KeyId, key.KeyId);
    }

    [Theory]
    [MemberData(nameof(SpecVectors))]
    public void Spec_vector_signature_is_reproduced(string description, string input, string expectedSignature)
    {
        using var key = SpecSigningKey.Create();
        var obj = JsonNode.Parse(input)!.AsObject();
        var expected = JsonNode.Parse(input)!.AsObject();
        expected["signatures"] = new JsonObject { [SpecSigningKey.Server] = new JsonObject { [SpecSigningKey.KeyId] = expectedSignature } };

        var result = JsonSignatures.Sign(obj, SpecSigningKey.Server, key);

        Assert.True(result.IsSuccess, description);
        Assert.Equal(expectedSignature, result.Signature);
        Assert.True(JsonNode.DeepEquals(expected, obj), obj.ToJsonString());
    }

    [Theory]
    [MemberData(nameof(SpecVectors))]
    public void Spec_vector_signature_verifies_with_the_public_key(string description, string input, string signature)
    {
        var obj = JsonNode.Parse(input)!.AsObject();
        obj["signatures"] = new JsonObject { ["domain"] = new JsonObject { ["ed25519:1"] = signature } };
        obj["unsigned"] = new JsonObject { ["age_ts"] = 922834800000 };
        Assert.True(VerifyKey.TryParse(SpecSigningKey.PublicKeyBase64, out var key));

        Assert.True(JsonSignatures.Verify(obj, "domain", "ed25519:1", key).IsValid, description);
    }

    [Fact]
    public void Forged_content_fails()
    {
        var obj = Signed(new JsonObject { ["one"] = 1 });
        obj["one"] = 2;

        Assert.Equal(SignatureStatus.Invalid, JsonSignatures.Verify(obj, "domain", "ed25519:1", SpecKey()).Status);
    }

    [Fact]
    public void Wrong_key_fails()
    {
        var obj = Signed(new JsonObject { ["one"] = 1 });
        using var other = ServerSigningKey.FromSeed("1", new byte[32]);

        Assert.Equal(SignatureStatus.Invalid, JsonSignatures.Verify(obj, "domain", "ed25519:1", other.VerifyKey).Status);
    }

    [Fact]
    public void Missing_signature_of_the_entity_fails()
    {
        var obj = Signed(new JsonObject { ["one"] = 1 });

        Assert.Equal(SignatureStatus.Missing, JsonSignatures.Verify(obj, "other.example", "ed25519:1", SpecKey()).Status);
        Assert.Equal(SignatureStatus.Missing, JsonSignatures.Verify(new JsonObject(), "domain", "ed25519:1", SpecKey()).Status);
    }

    [Fact]
    public void Signature_under_an_unknown_key_id_fails_as_no_known_key()
    {
        var obj = Signed(new JsonObject { ["one"] = 1 });

        Assert.Equal(SignatureStatus.NoKnownKey, JsonSignatures.Verify(obj, "domain", "ed25519:2", SpecKey()).Status);
    }

    [Fact]
    public void Signature_that_is_not_base64_fails()
    {
        var obj = new JsonObject { ["signatures"] = new JsonObject { ["domain"] = new JsonObject { ["ed25519:1"] = "not*base64" } } };

        Assert.Equal(SignatureStatus.Invalid, JsonSignatures.Verify(obj, "domain", "ed25519:1", SpecKey()).Status);
    }

    [Fact]
    public void Unsigned_and_other_signatures_may_change_without_breaking_a_signature()
    {
        var obj = Signed(new JsonObject { ["one"] = 1 });
        using var second = ServerSigningKey.FromSeed("2", Enumerable.Repeat((byte)7, 32).ToArray());
        JsonSignatures.Sign(obj, "notary.example", second);
        obj["unsigned"] = new JsonObject { ["age"] = 5 };

        Assert.True(JsonSignatures.Verify(obj, "domain", "ed25519:1", SpecKey()).IsValid);
        Assert.True(JsonSignatures.Verify(obj, "notary.example", "ed25519:2", second.VerifyKey).IsValid);
        Assert.Equal(2, obj["signatures"]!.AsObject().Count);
    }

    [Fact]
    public void Every_known_key_must_verify_and_unknown_algorithms_are_skipped()
    {
        var obj = Signed(new JsonObject { ["one"] = 1 });
        var mine = obj["signatures"]!["domain"]!.AsObject();
        mine["curve25519:x"] = "AAAA";
        using var other = ServerSigningKey.FromSeed("2", new byte[32]);
        mine["ed25519:2"] = mine["ed25519:1"]!.DeepClone();
        VerifyKeyLookup keys = (_, id) => id switch
        {
            "ed25519:1" => new ServerVerifyKey(SpecKey()),
            "ed25519:2" => new ServerVerifyKey(other.VerifyKey),
            _ => null,
        };

        Assert.Equal(SignatureStatus.Invalid, JsonSignatures.Verify(obj, "domain", keys).Status);
        mine.Remove("ed25519:2");
        Assert.True(JsonSignatures.Verify(obj, "domain", keys).IsValid);
    }

    [Fact]
    public void Key_expired_before_the_signing_time_is_skipped()
    {
        var obj = Signed(new JsonObject { ["one"] = 1 });
        VerifyKeyLookup keys = (_, _) => new ServerVerifyKey(SpecKey(), ValidUntilTs: 1000);

        Assert.True(JsonSignatures.Verify(obj, "domain", keys, signedAt: 1000).IsValid);
        Assert.Equal(SignatureStatus.NoKnownKey, JsonSignatures.Verify(obj, "domain", keys, signedAt: 1001).Status);
    }

    [Theory]
    [InlineData("XGX0JRS2Af3be3knz2fBiRbApjm2Dh61gXDJA8kcJNI", true)]
    [InlineData("XGX0JRS2Af3be3knz2fBiRbApjm2Dh61gXDJA8kcJNI=", true)]
    [InlineData("XGX0JRS2Af3be3knz2fBiRbApjm2Dh61gXDJA8kcJN", false)]
    [InlineData("", false)]
    [InlineData("not base64!", false)]
    public void Verify_key_is_32_bytes_of_base64(string text, bool valid)
    {
        Assert.Equal(valid, VerifyKey.TryParse(text, out _));
    }

    private static VerifyKey SpecKey() => VerifyKey.TryParse(SpecSigningKey.PublicKeyBase64, out var key) ? key : throw new InvalidOperationException();

    private static JsonObject Signed(JsonObject obj)
    {
        using var key = SpecSigningKey.Create();
        Assert.True(JsonSignatures.Sign(obj, "domain", key).IsSuccess);
        return obj;
    }
}
