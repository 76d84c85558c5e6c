using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Events;
using Messenger.Federation.Protocol.Identifiers;
using Messenger.Federation.Protocol.Json;
using Messenger.Federation.Protocol.RoomVersions;
using Xunit;

namespace Messenger.Federation.Tests.Protocol.Events;

/// <summary>Event ids per room version ("Event IDs" of v1, v3, v4) and the v12 room id taken from the create event.</summary>
public class EventIdDerivationTests
{
    [Theory]
    [InlineData("3", false)]
    [InlineData("4", true)]
    [InlineData("11", true)]
    [InlineData("12", true)]
    public void Event_id_is_the_reference_hash_in_base64_url_safe_from_v4(string id, bool urlSafe)
    {
        var version = RoomVersions.Find(id)!;
        var pdu = SampleEvents.Build(SampleEvents.Message(version), version);

        // Reference hash by hand: redact, drop signatures and unsigned, canonical JSON, SHA-256.
        var redacted = Redactor.Redact(pdu.Json, version);
        redacted.Remove("signatures");
        var digest = SHA256.HashData(CanonicalJson.Encode(redacted).Bytes!);
        var standard = Convert.ToBase64String(digest).TrimEnd('=');
        var expected = "$" + (urlSafe ? standard.Replace('+', '-').Replace('/', '_') : standard);

        Assert.Equal(expected, pdu.EventId);
        Assert.True(EventId.IsValid(pdu.EventId, version));
    }

    [Fact]
    public void Version_1_and_2_event_ids_are_carried_not_computed()
    {
        foreach (var version in new[] { RoomVersions.V1, RoomVersions.V2 })
            Assert.Equal("$msg1:origin.example", SampleEvents.Build(SampleEvents.Message(version), version).EventId);
    }

    [Fact]
    public void Unsigned_data_and_extra_signatures_do_not_change_the_id_but_content_does()
    {
        var version = RoomVersions.V10;
        var json = SampleEvents.MessageJson(version);
        var id = EventIds.Compute(json, version).Value;

        json["unsigned"] = new JsonObject { ["age"] = 10 };
        json["signatures"]!["notary.example"] = new JsonObject { ["ed25519:n"] = "c2ln" };
        Assert.Equal(id, EventIds.Compute(json, version).Value);

        json["content"]!["body"] = "changed";
        Assert.Equal(id, EventIds.Compute(json, version).Value);
        json["hashes"]!["sha256"] = "changed";
        Assert.NotEqual(id, EventIds.Compute(json, version).Value);
    }

    [Fact]
    public void Version_12_room_id_is_the_create_event_id_with_a_bang()
    {
        var create = new EventDraft
        {
            Type = EventTypes.Create, StateKey = "", Sender = "@alice:origin.example",
            Content = new JsonObject { ["room_version"] = "12" }, Depth = 1, OriginServerTs = 1_700_000_000_000,
        };

        var pdu = SampleEvents.Build(create, RoomVersions.V12);

        Assert.False(pdu.Json.ContainsKey("room_id"));
        var roomId = EventIds.RoomIdOfCreateEvent(pdu.Json, RoomVersions.V12).Value;
        Assert.Equal("!" + pdu.EventId[1..], roomId);
        Assert.Equal(roomId, RoomId.FromCreateEventId(pdu.EventId).Value);
        Assert.True(RoomId.TryParse(roomId, RoomVersions.V12, out _));
        Assert.False(EventIds.RoomIdOfCreateEvent(pdu.Json, RoomVersions.V11).IsSuccess);
    }

    [Fact]
    public void Same_event_has_different_ids_under_v3_and_v4_encodings()
    {
        var v3 = SampleEvents.MessageJson(RoomVersions.V4);
        string v3Id, v4Id;
        do
        {
            v3["content"]!["body"] = Guid.NewGuid().ToString();
            EventSigning.HashAndSign(v3, RoomVersions.V4, SampleEvents.Server, SampleEvents.Key);
            v3Id = EventIds.Compute(v3, RoomVersions.V3).Value!;
            v4Id = EventIds.Compute(v3, RoomVersions.V4).Value!;
        }
        while (v3Id.AsSpan(1).IndexOfAny('+', '/') < 0);

        Assert.NotEqual(v3Id, v4Id);
        Assert.Equal(v3Id.Replace('+', '-').Replace('/', '_'), v4Id);
    }
}
