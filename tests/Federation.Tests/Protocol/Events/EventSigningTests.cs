using System.Text;
using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Encoding;
using Messenger.Federation.Protocol.Events;
using Messenger.Federation.Protocol.Json;
using Messenger.Federation.Protocol.RoomVersions;
using Xunit;

namespace Messenger.Federation.Tests.Protocol.Events;

/// <summary>
/// Appendix "Event Signing" test vectors: content hash, redaction, signature — reproduced with the room-version-1
/// redaction rules, which keep <c>origin</c> and <c>event_id</c> as the vectors expect.
/// </summary>
public class EventSigningTests
{
    private const string MinimalInput = """
        {"room_id":"!x:domain","sender":"@a:domain","origin":"domain","origin_server_ts":1000000,"signatures":{},"hashes":{},
         "type":"X","content":{},"prev_events":[],"auth_events":[],"depth":3,"unsigned":{"age_ts":1000000}}
        """;

    private const string MinimalExpected = """
        {"auth_events":[],"content":{},"depth":3,"hashes":{"sha256":"5jM4wQpv6lnBo7CLIghJuHdW+s2CMBJPUOGOC89ncos"},
         "origin":"domain","origin_server_ts":1000000,"prev_events":[],"room_id":"!x:domain","sender":"@a:domain",
         "signatures":{"domain":{"ed25519:1":"KxwGjPSDEtvnFgU00fwFz+l6d2pJM6XBIaMEn81SXPTRl16AqLAYqfIReFGZlHi5KLjAWbOoMszkwsQma+lYAg"}},
         "type":"X","unsigned":{"age_ts":1000000}}
        """;

    private const string MessageInput = """
        {"content":{"body":"Here is the message content"},"event_id":"$0:domain","origin":"domain","origin_server_ts":1000000,
         "type":"m.room.message","room_id":"!r:domain","sender":"@u:domain","signatures":{},"unsigned":{"age_ts":1000000}}
        """;

    private const string MessageExpected = """
        {"content":{"body":"Here is the message content"},"event_id":"$0:domain",
         "hashes":{"sha256":"onLKD1bGljeBWQhWZ1kaP9SorVmRQNdN5aM2JYU2n/g"},"origin":"domain","origin_server_ts":1000000,
         "type":"m.room.message","room_id":"!r:domain","sender":"@u:domain",
         "signatures":{"domain":{"ed25519:1":"Wm+VzmOUOz08Ds+0NTWb1d4CZrVsJSikkeRxh6aCcUwu6pNC78FunoD7KNWzqFn241eYHYMGCA5McEiVPdhzBA"}},
         "unsigned":{"age_ts":1000000}}
        """;

    public static TheoryData<string, string, string, string> SpecVectors => new()
    {
        {
            MinimalInput, MinimalExpected,
            "{\"auth_events\":[],\"content\":{},\"depth\":3,\"origin\":\"domain\",\"origin_server_ts\":1000000,\"prev_events\":[],\"room_id\":\"!x:domain\",\"sender\":\"@a:domain\",\"type\":\"X\"}",
            "{\"auth_events\":[],\"content\":{},\"depth\":3,\"hashes\":{\"sha256\":\"5jM4wQpv6lnBo7CLIghJuHdW+s2CMBJPUOGOC89ncos\"},\"origin\":\"domain\",\"origin_server_ts\":1000000,\"prev_events\":[],\"room_id\":\"!x:domain\",\"sender\":\"@a:domain\",\"type\":\"X\"}"
        },
        {
            MessageInput, MessageExpected,
            "{\"content\":{\"body\":\"Here is the message content\"},\"event_id\":\"$0:domain\",\"origin\":\"domain\",\"origin_server_ts\":1000000,\"room_id\":\"!r:domain\",\"sender\":\"@u:domain\",\"type\":\"m.room.message\"}",
            "{\"content\":{},\"event_id\":\"$0:domain\",\"hashes\":{\"sha256\":\"onLKD1bGljeBWQhWZ1kaP9SorVmRQNdN5aM2JYU2n/g\"},\"origin\":\"domain\",\"origin_server_ts\":1000000,\"room_id\":\"!r:domain\",\"sender\":\"@u:domain\",\"type\":\"m.room.message\"}"
        },
    };

    [Theory]
    [MemberData(nameof(SpecVectors))]
    public void Spec_event_is_hashed_and_signed_as_expected(string input, string expected, string contentHashInput, string signedText)
    {
        using var key = SpecSigningKey.Create();
        var ev = JsonNode.Parse(input)!.AsObject();

        var result = EventSigning.HashAndSign(ev, RoomVersions.V1, SpecSigningKey.Server, key);

        Assert.True(result.IsSuccess, result.Error);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), ev), ev.ToJsonString());
        _ = contentHashInput;
        _ = signedText;
    }

    [Theory]
    [MemberData(nameof(SpecVectors))]
    public void Content_hash_covers_the_event_without_unsigned_signatures_and_hashes(string input, string expected, string contentHashInput, string signedText)
    {
        var ev = JsonNode.Parse(input)!.AsObject();
        _ = signedText;

        Assert.Equal(contentHashInput, CanonicalJson.Encode(ev, ["unsigned", "signatures", "hashes"]).ToString());
        var hash = EventHashes.ContentHash(ev, RoomVersions.V1);
        Assert.Equal((string)JsonNode.Parse(expected)!["hashes"]!["sha256"]!, UnpaddedBase64.Encode(hash.Value!));
    }

    [Theory]
    [MemberData(nameof(SpecVectors))]
    public void Signature_covers_the_redacted_event_with_its_hashes(string input, string expected, string contentHashInput, string signedText)
    {
        _ = input;
        _ = contentHashInput;
        var signedEvent = JsonNode.Parse(expected)!.AsObject();

        var redacted = Redactor.Redact(signedEvent, RoomVersions.V1);

        Assert.Equal(Encoding.UTF8.GetBytes(signedText), CanonicalJson.Encode(redacted, ["signatures", "unsigned"]).Bytes);
    }

    [Fact]
    public void Signing_keeps_other_servers_signatures()
    {
        using var key = SpecSigningKey.Create();
        var ev = JsonNode.Parse(MinimalInput)!.AsObject();
        ev["signatures"] = new JsonObject { ["other.example"] = new JsonObject { ["ed25519:x"] = "c2ln" } };

        EventSigning.HashAndSign(ev, RoomVersions.V1, SpecSigningKey.Server, key);

        Assert.Equal("c2ln", (string)ev["signatures"]!["other.example"]!["ed25519:x"]!);
        Assert.NotNull(ev["signatures"]!["domain"]!["ed25519:1"]);
    }

    [Fact]
    public void Float_in_a_strict_room_version_cannot_be_signed()
    {
        using var key = SpecSigningKey.Create();
        var ev = JsonNode.Parse(MinimalInput)!.AsObject();
        ev["content"] = new JsonObject { ["x"] = 1.5 };

        Assert.False(EventSigning.HashAndSign(ev, RoomVersions.V6, SpecSigningKey.Server, key).IsSuccess);
    }
}
