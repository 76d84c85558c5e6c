using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Json;
using Messenger.Federation.Protocol.Keys;
using Messenger.Federation.Protocol.Signing;
using Messenger.Federation.XMatrix;

namespace Messenger.Federation.Tests.XMatrix;

/// <summary>The signed object is <c>{method, uri, origin, destination, content}</c>; any change to one of them breaks the signature.</summary>
public sealed class XMatrixSigningTests
{
    private static readonly ServerSigningKey Key = ServerSigningKey.FromSeed("k1", new byte[32]);

    [Fact]
    public void The_signature_is_the_json_signature_of_the_request_object()
    {
        var content = new JsonObject { ["pdus"] = new JsonArray(), ["origin"] = "a.example" };
        var header = XMatrixSigning.Sign("PUT", "/_matrix/federation/v1/send/1", "a.example", "b.example", content, Key)!;

        var expected = new JsonObject
        {
            ["method"] = "PUT",
            ["uri"] = "/_matrix/federation/v1/send/1",
            ["origin"] = "a.example",
            ["destination"] = "b.example",
            ["content"] = content.DeepClone(),
        };
        JsonSignatures.Sign(expected, "a.example", Key);
        Assert.Equal((string?)expected["signatures"]!["a.example"]!["ed25519:k1"], header.Signature);
        Assert.Equal("ed25519:k1", header.Key);
        Assert.Equal("b.example", header.Destination);
    }

    [Fact]
    public void A_request_without_body_has_no_content_key()
    {
        var json = XMatrixSigning.RequestObject("GET", "/x", "a", "b", null);
        Assert.False(json.ContainsKey("content"));
        Assert.Equal("""{"destination":"b","method":"GET","origin":"a","uri":"/x"}""",
            System.Text.Encoding.UTF8.GetString(CanonicalJson.Encode(json).Bytes!));
    }

    [Fact]
    public void Verification_holds_for_the_signed_request_only()
    {
        var content = new JsonObject { ["a"] = 1 };
        var header = XMatrixSigning.Sign("POST", "/_matrix/x?y=1", "a.example", "b.example", content, Key)!;

        Assert.True(XMatrixSigning.Verify(header, "POST", "/_matrix/x?y=1", content, Key.VerifyKey).IsValid);
        Assert.False(XMatrixSigning.Verify(header, "PUT", "/_matrix/x?y=1", content, Key.VerifyKey).IsValid);
        Assert.False(XMatrixSigning.Verify(header, "POST", "/_matrix/x?y=2", content, Key.VerifyKey).IsValid);
        Assert.False(XMatrixSigning.Verify(header, "POST", "/_matrix/x?y=1", new JsonObject { ["a"] = 2 }, Key.VerifyKey).IsValid);
        Assert.False(XMatrixSigning.Verify(header, "POST", "/_matrix/x?y=1", null, Key.VerifyKey).IsValid);
        Assert.False(XMatrixSigning.Verify(header with { Destination = "c.example" }, "POST", "/_matrix/x?y=1", content, Key.VerifyKey).IsValid);
        Assert.False(XMatrixSigning.Verify(header with { Origin = "c.example" }, "POST", "/_matrix/x?y=1", content, Key.VerifyKey).IsValid);
        using var other = ServerSigningKey.Generate("k1");
        Assert.False(XMatrixSigning.Verify(header, "POST", "/_matrix/x?y=1", content, other.VerifyKey).IsValid);
    }

    [Fact]
    public void A_header_without_destination_from_an_older_server_verifies_over_an_object_without_it()
    {
        var json = XMatrixSigning.RequestObject("GET", "/x", "a.example", null, null);
        var signature = JsonSignatures.Sign(json, "a.example", Key).Signature!;
        var header = new XMatrixHeader("a.example", null, Key.KeyId, signature);

        Assert.True(XMatrixSigning.Verify(header, "GET", "/x", null, Key.VerifyKey).IsValid);
    }
}
