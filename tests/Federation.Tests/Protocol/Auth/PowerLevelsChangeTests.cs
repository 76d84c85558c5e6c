using Messenger.Federation.Protocol.Auth;
using Messenger.Federation.Tests.Protocol.Auth.Support;
using Xunit;
using static Messenger.Federation.Tests.Protocol.Auth.Support.AuthRoomBuilder;

namespace Messenger.Federation.Tests.Protocol.Auth;

/// <summary>The <c>m.room.power_levels</c> rule: what a sender may change (rooms/v1 rule 10, v10 rule 9, v12 rule 10).</summary>
public sealed class PowerLevelsChangeTests
{
    /// <summary>Bob is a moderator (50) allowed to send power levels; Carol has 10.</summary>
    private static AuthRoomBuilder Room(string version, string otherContent = """{"events":{"m.room.power_levels":50}}""")
    {
        var room = Created(V(version)).Join(Bob).Join(Carol);
        return room.SetLevels(otherContent, (Bob, 50), (Carol, 10));
    }

    [Theory, MemberData(nameof(Versions.All), MemberType = typeof(Versions))]
    public void First_power_levels_event_is_allowed_whatever_it_grants(string version)
    {
        var room = Bare(V(version));
        room.Apply(room.CreatorJoin());
        AuthAssert.Allowed(room.Authorize(room.LevelsEvent("""{"ban":1000000}""", (Bob, 1000000))));
    }

    [Theory, MemberData(nameof(Versions.All), MemberType = typeof(Versions))]
    public void Moderator_may_change_levels_up_to_their_own(string version)
    {
        var room = Room(version);
        AuthAssert.Allowed(room.Authorize(room.PowerLevelsEvent(Bob, Levels(version, """{"events":{"m.room.power_levels":50},"kick":50}""", (Bob, 50), (Carol, 50)))));
    }

    [Theory, MemberData(nameof(Versions.All), MemberType = typeof(Versions))]
    public void Sender_cannot_raise_a_named_level_above_their_own(string version)
    {
        var room = Room(version);
        var ev = room.PowerLevelsEvent(Bob, Levels(version, """{"events":{"m.room.power_levels":50},"ban":51}""", (Bob, 50), (Carol, 10)));
        AuthAssert.Rejected(AuthRule.PowerLevelsLevelChange, room.Authorize(ev));
    }

    [Theory, MemberData(nameof(Versions.All), MemberType = typeof(Versions))]
    public void Sender_cannot_change_or_remove_a_named_level_above_their_own(string version)
    {
        var room = Room(version, """{"events":{"m.room.power_levels":50},"state_default":60}""");
        var lowered = room.PowerLevelsEvent(Bob, Levels(version, """{"events":{"m.room.power_levels":50},"state_default":40}""", (Bob, 50), (Carol, 10)));
        AuthAssert.Rejected(AuthRule.PowerLevelsLevelChange, room.Authorize(lowered));
        var removed = room.PowerLevelsEvent(Bob, Levels(version, """{"events":{"m.room.power_levels":50}}""", (Bob, 50), (Carol, 10)));
        AuthAssert.Rejected(AuthRule.PowerLevelsLevelChange, room.Authorize(removed));
    }

    [Theory, MemberData(nameof(Versions.All), MemberType = typeof(Versions))]
    public void Unchanged_high_levels_do_not_stop_other_changes(string version)
    {
        var room = Room(version, """{"events":{"m.room.power_levels":50,"m.room.tombstone":100},"state_default":60}""");
        var ev = room.PowerLevelsEvent(Bob, Levels(version, """{"events":{"m.room.power_levels":50,"m.room.tombstone":100},"state_default":60}""", (Bob, 50), (Carol, 20)));
        AuthAssert.Allowed(room.Authorize(ev));
    }

    [Theory, MemberData(nameof(Versions.All), MemberType = typeof(Versions))]
    public void Sender_cannot_set_an_event_level_above_their_own(string version)
    {
        var room = Room(version);
        var ev = room.PowerLevelsEvent(Bob, Levels(version, """{"events":{"m.room.power_levels":50,"m.room.name":60}}""", (Bob, 50), (Carol, 10)));
        AuthAssert.Rejected(AuthRule.PowerLevelsEventChange, room.Authorize(ev));
    }

    [Theory, MemberData(nameof(Versions.All), MemberType = typeof(Versions))]
    public void Sender_cannot_change_or_remove_an_event_level_above_their_own(string version)
    {
        var room = Room(version, """{"events":{"m.room.power_levels":50,"m.room.name":60}}""");
        var removed = room.PowerLevelsEvent(Bob, Levels(version, """{"events":{"m.room.power_levels":50}}""", (Bob, 50), (Carol, 10)));
        AuthAssert.Rejected(AuthRule.PowerLevelsEventChange, room.Authorize(removed));
    }

    [Theory, MemberData(nameof(Versions.NotificationsRule), MemberType = typeof(Versions))]
    public void From_v6_notification_levels_are_guarded_like_event_levels(string version)
    {
        var room = Room(version, """{"events":{"m.room.power_levels":50},"notifications":{"room":60}}""");
        var lowered = room.PowerLevelsEvent(Bob, Levels(version, """{"events":{"m.room.power_levels":50},"notifications":{"room":0}}""", (Bob, 50), (Carol, 10)));
        AuthAssert.Rejected(AuthRule.PowerLevelsEventChange, room.Authorize(lowered));
        var raised = Room(version).PowerLevelsEvent(Bob, Levels(version, """{"events":{"m.room.power_levels":50},"notifications":{"room":51}}""", (Bob, 50), (Carol, 10)));
        AuthAssert.Rejected(AuthRule.PowerLevelsEventChange, Room(version).Authorize(raised));
        var allowed = Room(version).PowerLevelsEvent(Bob, Levels(version, """{"events":{"m.room.power_levels":50},"notifications":{"room":50}}""", (Bob, 50), (Carol, 10)));
        AuthAssert.Allowed(Room(version).Authorize(allowed));
    }

    [Theory, MemberData(nameof(Versions.NoNotificationsRule), MemberType = typeof(Versions))]
    public void Before_v6_notification_levels_are_not_checked(string version)
    {
        var room = Room(version, """{"events":{"m.room.power_levels":50},"notifications":{"room":60}}""");
        var lowered = room.PowerLevelsEvent(Bob, Levels(version, """{"events":{"m.room.power_levels":50},"notifications":{"room":0}}""", (Bob, 50), (Carol, 10)));
        AuthAssert.Allowed(room.Authorize(lowered));
    }

    [Theory, MemberData(nameof(Versions.All), MemberType = typeof(Versions))]
    public void Sender_cannot_give_a_user_more_than_their_own_level(string version)
    {
        var room = Room(version);
        var ev = room.PowerLevelsEvent(Bob, Levels(version, """{"events":{"m.room.power_levels":50}}""", (Bob, 50), (Carol, 51)));
        AuthAssert.Rejected(AuthRule.PowerLevelsUserChange, room.Authorize(ev));
    }

    [Theory, MemberData(nameof(Versions.All), MemberType = typeof(Versions))]
    public void Sender_cannot_demote_or_remove_a_user_at_their_own_level(string version)
    {
        var room = Room(version);
        room.SetLevels("""{"events":{"m.room.power_levels":50}}""", (Bob, 50), (Carol, 50));
        var demoted = room.PowerLevelsEvent(Bob, Levels(version, """{"events":{"m.room.power_levels":50}}""", (Bob, 50), (Carol, 0)));
        AuthAssert.Rejected(AuthRule.PowerLevelsUserChange, room.Authorize(demoted));
        var removed = room.PowerLevelsEvent(Bob, Levels(version, """{"events":{"m.room.power_levels":50}}""", (Bob, 50)));
        AuthAssert.Rejected(AuthRule.PowerLevelsUserChange, room.Authorize(removed));
    }

    [Theory, MemberData(nameof(Versions.All), MemberType = typeof(Versions))]
    public void Sender_may_demote_themselves(string version)
    {
        var room = Room(version);
        var ev = room.PowerLevelsEvent(Bob, Levels(version, """{"events":{"m.room.power_levels":50}}""", (Bob, 20), (Carol, 10)));
        AuthAssert.Allowed(room.Authorize(ev));
    }

    [Theory, MemberData(nameof(Versions.All), MemberType = typeof(Versions))]
    public void Power_levels_below_their_required_level_are_rejected_before_any_diff(string version)
    {
        var room = Room(version);
        var ev = room.PowerLevelsEvent(Carol, Levels(version, """{"events":{"m.room.power_levels":50}}""", (Bob, 50), (Carol, 10)));
        AuthAssert.Rejected(AuthRule.EventLevelTooLow, room.Authorize(ev));
    }

    [Theory]
    [InlineData("""{"users":{"not-a-user":10}}""")]
    [InlineData("""{"users":{"@bob:test":true}}""")]
    [InlineData("""{"users":{"@bob:test":null}}""")]
    [InlineData("""{"users":[]}""")]
    [InlineData("""{"ban":"fifty"}""")]
    [InlineData("""{"kick":{}}""")]
    [InlineData("""{"events":{"m.room.name":"x"}}""")]
    [InlineData("""{"events":[]}""")]
    public void Malformed_power_levels_are_rejected_in_every_version(string content)
    {
        foreach (var version in new[] { "1", "5", "6", "9", "10", "11", "12" })
        {
            var room = Created(V(version));
            AuthAssert.Rejected(AuthRule.PowerLevelsMalformed, room.Authorize(room.PowerLevelsEvent(Alice, content)));
        }
    }

    [Theory, MemberData(nameof(Versions.NotificationsRule), MemberType = typeof(Versions))]
    public void Malformed_notifications_are_rejected_from_v6(string version)
    {
        var room = Created(V(version));
        AuthAssert.Rejected(AuthRule.PowerLevelsMalformed, room.Authorize(room.PowerLevelsEvent(Alice, """{"notifications":{"room":"lots"}}""")));
    }

    [Theory, MemberData(nameof(Versions.StringLevels), MemberType = typeof(Versions))]
    public void Before_v10_integer_strings_are_valid_levels(string version)
    {
        var room = Created(V(version));
        var content = """{"ban":" +50 ","events":{"m.room.name":"0010"},"notifications":{"room":"-5"},"users":{"@alice:test":"100","@bob:test":"007"}}""";
        AuthAssert.Allowed(room.Authorize(room.PowerLevelsEvent(Alice, content)));
    }

    [Theory, MemberData(nameof(Versions.IntegerOnlyLevels), MemberType = typeof(Versions))]
    public void From_v10_string_levels_are_rejected(string version)
    {
        var room = Created(V(version));
        AuthAssert.Rejected(AuthRule.PowerLevelsMalformed, room.Authorize(room.PowerLevelsEvent(Alice, """{"ban":"50"}""")));
        AuthAssert.Rejected(AuthRule.PowerLevelsMalformed, room.Authorize(room.PowerLevelsEvent(Alice, """{"events":{"m.room.name":"50"}}""")));
        AuthAssert.Rejected(AuthRule.PowerLevelsMalformed, room.Authorize(room.PowerLevelsEvent(Alice, """{"users":{"@bob:test":"50"}}""")));
        AuthAssert.Rejected(AuthRule.PowerLevelsMalformed, room.Authorize(room.PowerLevelsEvent(Alice, """{"notifications":{"room":"50"}}""")));
    }

    [Theory, MemberData(nameof(Versions.FloatLevels), MemberType = typeof(Versions))]
    public void Before_v6_float_levels_are_truncated(string version)
    {
        var room = Created(V(version)).Join(Bob);
        room.SetPowerLevels("""{"users":{"@alice:test":100,"@bob:test":50.57},"events":{"m.room.name":5.114698E1}}""");
        var levels = PowerLevels.FromState(room.State, room.Version);
        Assert.Equal(50, levels.UserLevel(Bob));
        Assert.Equal(51, levels.EventLevel("m.room.name", isState: true));
    }

    [Theory]
    [InlineData("6"), InlineData("9"), InlineData("10"), InlineData("12")]
    public void From_v6_float_levels_are_rejected(string version)
    {
        var room = Created(V(version));
        AuthAssert.Rejected(AuthRule.PowerLevelsMalformed, room.Authorize(room.PowerLevelsEvent(Alice, """{"ban":50.5}""")));
    }

    [Theory]
    [InlineData("6"), InlineData("10"), InlineData("12")]
    public void From_v6_levels_outside_the_canonical_json_range_are_rejected(string version)
    {
        // The first power levels event: no change rule applies, only the shape of the values.
        var room = Bare(V(version));
        room.Apply(room.CreatorJoin());
        AuthAssert.Rejected(AuthRule.PowerLevelsMalformed, room.Authorize(room.PowerLevelsEvent(Alice, """{"ban":9007199254740992}""")));
        AuthAssert.Allowed(room.Authorize(room.PowerLevelsEvent(Alice, """{"ban":9007199254740991}""")));
    }

    [Theory, MemberData(nameof(Versions.StringLevels), MemberType = typeof(Versions))]
    public void Before_v10_a_string_equal_to_the_old_number_is_no_change(string version)
    {
        var room = Room(version, """{"events":{"m.room.power_levels":50},"state_default":60}""");
        var same = room.PowerLevelsEvent(Bob, Levels(version, """{"events":{"m.room.power_levels":50},"state_default":"60"}""", (Bob, 50), (Carol, 10)));
        AuthAssert.Allowed(room.Authorize(same));
    }

    /// <summary>Power levels content with users listed, the creator at 100 before v12 (where creators may not be listed).</summary>
    private static string Levels(string version, string otherContent, params (string User, long Level)[] users)
    {
        var content = System.Text.Json.Nodes.JsonNode.Parse(otherContent)!.AsObject();
        var listed = new System.Text.Json.Nodes.JsonObject();
        if (version != "12") listed[Alice] = 100;
        foreach (var (user, level) in users) listed[user] = level;
        content["users"] = listed;
        return content.ToJsonString();
    }
}
