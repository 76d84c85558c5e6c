using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Events;
using Messenger.Federation.Protocol.RoomVersions;
using Xunit;

namespace Messenger.Federation.Tests.Protocol.Events;

/// <summary>The "Redactions" section of every room version (v1, v6, v8, v9, v11 rule sets).</summary>
public class RedactorTests
{
    private static JsonObject Event(string type, JsonObject content) => new()
    {
        ["event_id"] = "$e:x", ["type"] = type, ["room_id"] = "!r:x", ["sender"] = "@u:x", ["state_key"] = "",
        ["content"] = content, ["hashes"] = new JsonObject { ["sha256"] = "h" }, ["signatures"] = new JsonObject(),
        ["depth"] = 4, ["prev_events"] = new JsonArray(), ["prev_state"] = new JsonArray(), ["auth_events"] = new JsonArray(),
        ["origin"] = "x", ["origin_server_ts"] = 1, ["membership"] = "join",
        ["unsigned"] = new JsonObject { ["age"] = 1 }, ["redacts"] = "$z:x", ["extra"] = true,
    };

    private static string[] ContentKeys(string version, string type, JsonObject content) =>
        Redactor.Redact(Event(type, content), RoomVersions.Find(version)!)["content"]!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal).ToArray();

    [Theory]
    [InlineData("1")]
    [InlineData("5")]
    [InlineData("6")]
    [InlineData("8")]
    [InlineData("10")]
    public void Before_v11_origin_membership_and_prev_state_are_kept(string version)
    {
        var redacted = Redactor.Redact(Event("m.room.message", new JsonObject { ["body"] = "hi" }), RoomVersions.Find(version)!);

        Assert.Equal(
            ["auth_events", "content", "depth", "event_id", "hashes", "membership", "origin", "origin_server_ts", "prev_events", "prev_state", "room_id", "sender", "signatures", "state_key", "type"],
            redacted.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Empty(redacted["content"]!.AsObject());
    }

    [Theory]
    [InlineData("11")]
    [InlineData("12")]
    public void From_v11_origin_membership_and_prev_state_are_stripped(string version)
    {
        var redacted = Redactor.Redact(Event("m.room.message", new JsonObject { ["body"] = "hi" }), RoomVersions.Find(version)!);

        Assert.Equal(
            ["auth_events", "content", "depth", "event_id", "hashes", "origin_server_ts", "prev_events", "room_id", "sender", "signatures", "state_key", "type"],
            redacted.Select(p => p.Key).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("1", "aliases")]
    [InlineData("5", "aliases")]
    [InlineData("6", "")]
    [InlineData("11", "")]
    public void Aliases_keep_their_list_only_before_v6(string version, string kept)
    {
        Assert.Equal(kept == "" ? [] : [kept], ContentKeys(version, "m.room.aliases", new JsonObject { ["aliases"] = new JsonArray("#a:x"), ["x"] = 1 }));
    }

    [Theory]
    [InlineData("7", "join_rule")]
    [InlineData("8", "allow,join_rule")]
    [InlineData("12", "allow,join_rule")]
    public void Join_rules_keep_allow_from_v8(string version, string kept)
    {
        Assert.Equal(kept.Split(','), ContentKeys(version, "m.room.join_rules", new JsonObject { ["join_rule"] = "restricted", ["allow"] = new JsonArray(), ["x"] = 1 }));
    }

    [Theory]
    [InlineData("8", "membership")]
    [InlineData("9", "join_authorised_via_users_server,membership")]
    [InlineData("10", "join_authorised_via_users_server,membership")]
    [InlineData("11", "join_authorised_via_users_server,membership,third_party_invite")]
    public void Member_keeps_the_authorising_user_from_v9_and_the_signed_invite_from_v11(string version, string kept)
    {
        var content = new JsonObject
        {
            ["membership"] = "join", ["join_authorised_via_users_server"] = "@a:x", ["displayname"] = "A",
            ["third_party_invite"] = new JsonObject { ["signed"] = new JsonObject { ["mxid"] = "@u:x" }, ["display_name"] = "u" },
        };

        Assert.Equal(kept.Split(','), ContentKeys(version, "m.room.member", content));
    }

    [Fact]
    public void Third_party_invite_keeps_only_signed_in_v11()
    {
        var content = new JsonObject { ["membership"] = "invite", ["third_party_invite"] = new JsonObject { ["signed"] = new JsonObject { ["token"] = "t" }, ["display_name"] = "u" } };

        var redacted = Redactor.Redact(Event("m.room.member", content), RoomVersions.V11);

        Assert.True(JsonNode.DeepEquals(new JsonObject { ["signed"] = new JsonObject { ["token"] = "t" } }, redacted["content"]!["third_party_invite"]));
    }

    [Theory]
    [InlineData("10", "creator")]
    [InlineData("11", "creator,m.federate,room_version,x")]
    public void Create_keeps_creator_before_v11_and_everything_from_v11(string version, string kept)
    {
        Assert.Equal(kept.Split(','), ContentKeys(version, "m.room.create", new JsonObject { ["creator"] = "@u:x", ["room_version"] = "1", ["m.federate"] = false, ["x"] = 1 }));
    }

    [Theory]
    [InlineData("10", "ban,events,events_default,kick,redact,state_default,users,users_default")]
    [InlineData("11", "ban,events,events_default,invite,kick,redact,state_default,users,users_default")]
    public void Power_levels_keep_invite_from_v11(string version, string kept)
    {
        var content = new JsonObject();
        foreach (var key in "ban,events,events_default,invite,kick,redact,state_default,users,users_default,notifications,x".Split(','))
            content[key] = 50;

        Assert.Equal(kept.Split(','), ContentKeys(version, "m.room.power_levels", content));
    }

    [Theory]
    [InlineData("10", "")]
    [InlineData("11", "redacts")]
    public void Redaction_keeps_content_redacts_from_v11(string version, string kept)
    {
        Assert.Equal(kept == "" ? [] : [kept], ContentKeys(version, "m.room.redaction", new JsonObject { ["redacts"] = "$x", ["reason"] = "spam" }));
    }

    [Fact]
    public void History_visibility_is_kept_in_every_version()
    {
        foreach (var version in RoomVersions.All)
            Assert.Equal(["history_visibility"], ContentKeys(version.Id, "m.room.history_visibility", new JsonObject { ["history_visibility"] = "shared", ["x"] = 1 }));
    }

    [Fact]
    public void Redaction_does_not_change_the_input()
    {
        var ev = Event("m.room.message", new JsonObject { ["body"] = "hi" });
        var before = ev.DeepClone();

        Redactor.Redact(ev, RoomVersions.V11);

        Assert.True(JsonNode.DeepEquals(before, ev));
    }
}
