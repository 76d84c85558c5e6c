using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Events;
using Messenger.Federation.Protocol.RoomVersions;
using Xunit;

namespace Messenger.Federation.Tests.Protocol.Events;

/// <summary>"Checks performed on receipt of a PDU", step 1: the event format of each room version and the size limits.</summary>
public class PduFormatTests
{
    public static TheoryData<string> Versions => new(RoomVersions.All.Select(v => v.Id));

    [Theory]
    [MemberData(nameof(Versions))]
    public void Built_event_passes_the_format_of_its_version(string id)
    {
        var version = RoomVersions.Find(id)!;

        var parsed = PduFormat.Parse(SampleEvents.MessageJson(version), version);

        Assert.True(parsed.IsSuccess, parsed.Error);
        Assert.Equal("hello", (string)parsed.Value.Content["body"]!);
    }

    public static TheoryData<string, string> Mutations => new()
    {
        { "type missing", "remove type" },
        { "type not a string", "set type 5" },
        { "sender missing", "remove sender" },
        { "sender not a user id", "set sender \"alice\"" },
        { "sender with a bad server name", "set sender \"@alice:bad_server\"" },
        { "room_id missing", "remove room_id" },
        { "room_id not a room id", "set room_id \"room\"" },
        { "content missing", "remove content" },
        { "content not an object", "set content []" },
        { "depth missing", "remove depth" },
        { "depth negative", "set depth -1" },
        { "depth a string", "set depth \"12\"" },
        { "origin_server_ts missing", "remove origin_server_ts" },
        { "origin_server_ts a string", "set origin_server_ts \"1\"" },
        { "hashes missing", "remove hashes" },
        { "hashes without sha256", "set hashes {}" },
        { "signatures missing", "remove signatures" },
        { "signatures of a server not an object", "set signatures {\"origin.example\":\"x\"}" },
        { "prev_events missing", "remove prev_events" },
        { "prev_events not an array", "set prev_events {}" },
        { "auth_events missing", "remove auth_events" },
        { "state_key not a string", "set state_key 1" },
        { "unsigned not an object", "set unsigned 1" },
        { "type over 255 bytes", "set type \"" + new string('t', 256) + "\"" },
        { "state_key over 255 bytes", "set state_key \"" + new string('s', 256) + "\"" },
    };

    [Theory]
    [MemberData(nameof(Mutations))]
    public void Malformed_event_is_rejected_in_every_version(string description, string mutation)
    {
        foreach (var version in RoomVersions.All)
        {
            var json = SampleEvents.MessageJson(version);
            Apply(json, mutation);

            var parsed = PduFormat.Parse(json, version);

            Assert.False(parsed.IsSuccess, $"{description} accepted in v{version.Id}");
        }
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void More_than_20_prev_events_or_10_auth_events_are_rejected(string id)
    {
        var version = RoomVersions.Find(id)!;
        var draft = SampleEvents.Message(version);
        var twenty = Enumerable.Range(0, 20).Select(i => SampleEvents.EventIdFor(version, i)).ToArray();
        var ten = twenty[..10];

        Assert.True(PduBuilder.Build(draft with { PrevEvents = twenty, AuthEvents = ten }, version, SampleEvents.Server, SampleEvents.Key).IsSuccess);
        Assert.False(PduBuilder.Build(draft with { PrevEvents = [.. twenty, SampleEvents.EventIdFor(version, 21)] }, version, SampleEvents.Server, SampleEvents.Key).IsSuccess);
        Assert.False(PduBuilder.Build(draft with { AuthEvents = [.. ten, SampleEvents.EventIdFor(version, 11)] }, version, SampleEvents.Server, SampleEvents.Key).IsSuccess);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void Event_over_65536_bytes_of_canonical_json_is_rejected(string id)
    {
        var version = RoomVersions.Find(id)!;
        var json = SampleEvents.MessageJson(version);
        var size = Messenger.Federation.Protocol.Json.CanonicalJson.Encode(json).Bytes!.Length;
        var body = (string)json["content"]!["body"]!;

        json["content"]!["body"] = body + new string('x', 65_536 - size);
        Assert.True(PduFormat.Parse(json, version).IsSuccess, "exactly 65536 bytes is allowed");
        json["content"]!["body"] = body + new string('x', 65_536 - size + 1);
        Assert.False(PduFormat.Parse(json, version).IsSuccess);
    }

    [Fact]
    public void Version_1_event_needs_a_valid_event_id_and_pair_references()
    {
        var json = SampleEvents.MessageJson(RoomVersions.V1);
        Assert.Equal("$msg1:origin.example", PduFormat.Parse(json, RoomVersions.V1).Value!.EventId);

        json.Remove("event_id");
        Assert.False(PduFormat.Parse(json, RoomVersions.V1).IsSuccess);
        json["event_id"] = "$no-domain";
        Assert.False(PduFormat.Parse(json, RoomVersions.V1).IsSuccess);

        var plain = SampleEvents.MessageJson(RoomVersions.V1);
        plain["prev_events"] = new JsonArray("$ev1:origin.example");
        Assert.False(PduFormat.Parse(plain, RoomVersions.V1).IsSuccess);
    }

    [Theory]
    [InlineData("3", "$ev1:origin.example")]
    [InlineData("4", "$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+1")]
    [InlineData("10", "$short")]
    public void References_must_be_event_ids_of_the_version(string id, string reference)
    {
        var version = RoomVersions.Find(id)!;
        var json = SampleEvents.MessageJson(version);
        json["prev_events"] = new JsonArray(reference);

        Assert.False(PduFormat.Parse(json, version).IsSuccess);
    }

    [Fact]
    public void Depth_limit_is_2_pow_63_before_v6_and_2_pow_53_from_v6()
    {
        var v5 = SampleEvents.MessageJson(RoomVersions.V5);
        v5["depth"] = long.MaxValue;
        Assert.True(PduFormat.Parse(v5, RoomVersions.V5).IsSuccess);

        var v6 = SampleEvents.MessageJson(RoomVersions.V6);
        v6["depth"] = Messenger.Federation.Protocol.Json.CanonicalJson.MaxSafeInteger + 1;
        Assert.False(PduFormat.Parse(v6, RoomVersions.V6).IsSuccess);
    }

    [Fact]
    public void Floats_are_rejected_from_v6_and_big_integers_tolerated_before()
    {
        var v5 = "{\"big\":9007199254740993}"u8;
        var v6 = SampleEvents.MessageJson(RoomVersions.V6);
        v6["content"]!["n"] = 1.5;
        Assert.False(PduFormat.Parse(v6, RoomVersions.V6).IsSuccess);

        var old = SampleEvents.MessageJson(RoomVersions.V5);
        old["content"]!["big"] = JsonNode.Parse(v5)!["big"]!.DeepClone();
        Assert.True(PduFormat.Parse(old, RoomVersions.V5).IsSuccess);
        var strict = SampleEvents.MessageJson(RoomVersions.V6);
        strict["content"]!["big"] = JsonNode.Parse(v5)!["big"]!.DeepClone();
        Assert.False(PduFormat.Parse(strict, RoomVersions.V6).IsSuccess);
    }

    [Fact]
    public void Received_bytes_with_duplicate_keys_are_rejected()
    {
        var text = SampleEvents.MessageJson(RoomVersions.V10).ToJsonString();
        var duplicated = text[..^1] + ",\"type\":\"m.room.message\"}";

        Assert.True(PduFormat.Parse(System.Text.Encoding.UTF8.GetBytes(text), RoomVersions.V10).IsSuccess);
        Assert.False(PduFormat.Parse(System.Text.Encoding.UTF8.GetBytes(duplicated), RoomVersions.V10).IsSuccess);
    }

    [Fact]
    public void Version_12_events_need_a_hash_room_id_except_the_create_event()
    {
        var json = SampleEvents.MessageJson(RoomVersions.V12);
        json["room_id"] = "!room:origin.example";
        Assert.False(PduFormat.Parse(json, RoomVersions.V12).IsSuccess);

        var create = new EventDraft
        {
            Type = EventTypes.Create, StateKey = "", Sender = "@alice:origin.example",
            Content = new JsonObject { ["room_version"] = "12" }, Depth = 1, OriginServerTs = 1,
        };
        Assert.True(PduBuilder.Build(create, RoomVersions.V12, SampleEvents.Server, SampleEvents.Key).IsSuccess);
        Assert.False(PduBuilder.Build(create with { Type = EventTypes.Name }, RoomVersions.V12, SampleEvents.Server, SampleEvents.Key).IsSuccess);
    }

    private static void Apply(JsonObject json, string mutation)
    {
        var parts = mutation.Split(' ', 3);
        if (parts[0] == "remove") json.Remove(parts[1]);
        else json[parts[1]] = JsonNode.Parse(parts[2]);
    }
}
