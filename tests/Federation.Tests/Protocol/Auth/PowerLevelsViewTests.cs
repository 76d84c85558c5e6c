using Messenger.Federation.Protocol.Auth;
using Messenger.Federation.Tests.Protocol.Auth.Support;
using Xunit;
using static Messenger.Federation.Tests.Protocol.Auth.Support.AuthRoomBuilder;

namespace Messenger.Federation.Tests.Protocol.Auth;

/// <summary>Reading power levels with the defaults of client-server API <c>m.room.power_levels</c> and server-server "Definitions".</summary>
public sealed class PowerLevelsViewTests
{
    [Theory, MemberData(nameof(Versions.All), MemberType = typeof(Versions))]
    public void Absent_keys_take_the_spec_defaults(string version)
    {
        var room = Created(V(version));
        room.SetPowerLevels("{}");
        var levels = PowerLevels.FromState(room.State, room.Version);
        Assert.Equal(0, levels.UsersDefault);
        Assert.Equal(0, levels.EventsDefault);
        Assert.Equal(50, levels.StateDefault);
        Assert.Equal(50, levels.Ban);
        Assert.Equal(50, levels.Kick);
        Assert.Equal(50, levels.Redact);
        Assert.Equal(0, levels.Invite);
        Assert.Equal(50, levels.NotificationLevel("room"));
        Assert.Null(levels.NotificationLevel("org.example"));
        Assert.Equal(0, levels.UserLevel(Bob));
    }

    [Theory, MemberData(nameof(Versions.All), MemberType = typeof(Versions))]
    public void Without_a_power_levels_event_state_needs_50_and_messages_0(string version)
    {
        var levels = PowerLevels.FromState(Bare(V(version)).State, V(version));
        Assert.False(levels.Exists);
        Assert.Equal(50, levels.EventLevel("m.room.name", isState: true));
        Assert.Equal(0, levels.EventLevel("m.room.message", isState: false));
    }

    [Theory, MemberData(nameof(Versions.All), MemberType = typeof(Versions))]
    public void Listed_values_override_defaults(string version)
    {
        var room = Created(V(version));
        room.SetPowerLevels("""{"users_default":5,"events_default":7,"state_default":9,"ban":11,"kick":13,"redact":15,"invite":17,"users":{"@bob:test":42},"events":{"m.room.name":3},"notifications":{"room":19}}""");
        var levels = PowerLevels.FromState(room.State, room.Version);
        Assert.Equal((5, 7, 9, 11, 13, 15, 17), (levels.UsersDefault, levels.EventsDefault, levels.StateDefault, levels.Ban, levels.Kick, levels.Redact, levels.Invite));
        Assert.Equal(42, levels.UserLevel(Bob));
        Assert.Equal(5, levels.UserLevel(Carol));
        Assert.Equal(3, levels.EventLevel("m.room.name", isState: true));
        Assert.Equal(9, levels.EventLevel("m.room.topic", isState: true));
        Assert.Equal(7, levels.EventLevel("m.room.message", isState: false));
        Assert.Equal(19, levels.NotificationLevel("room"));
    }

    [Theory, MemberData(nameof(Versions.StringLevels), MemberType = typeof(Versions))]
    public void Before_v10_string_levels_are_read(string version)
    {
        var room = Created(V(version));
        room.SetPowerLevels("""{"ban":"000100","kick":" -3 ","users":{"@bob:test":"+60"}}""");
        var levels = PowerLevels.FromState(room.State, room.Version);
        Assert.Equal((100, -3, 60), (levels.Ban, levels.Kick, levels.UserLevel(Bob)));
    }

    [Theory, MemberData(nameof(Versions.IntegerOnlyLevels), MemberType = typeof(Versions))]
    public void From_v10_unreadable_stored_levels_fall_back_to_defaults(string version)
    {
        var room = Created(V(version));
        room.SetPowerLevels("""{"ban":"100","users":{"@bob:test":"60"}}""");
        var levels = PowerLevels.FromState(room.State, room.Version);
        Assert.Equal((50, 0), (levels.Ban, levels.UserLevel(Bob)));
    }

    [Theory]
    [InlineData("50", true, 50)]
    [InlineData("  +7 ", true, 7)]
    [InlineData("-0012", true, -12)]
    [InlineData("1.5", false, 0)]
    [InlineData("", false, 0)]
    [InlineData("+", false, 0)]
    [InlineData("+-5", false, 0)]
    [InlineData("5 5", false, 0)]
    [InlineData("0x10", false, 0)]
    [InlineData("99999999999999999999", false, 0)]
    public void Integer_strings_follow_the_spec_grammar(string text, bool valid, long expected)
    {
        Assert.Equal(valid, PowerLevelNumber.TryParseString(text, out var level));
        Assert.Equal(expected, level);
    }
}
