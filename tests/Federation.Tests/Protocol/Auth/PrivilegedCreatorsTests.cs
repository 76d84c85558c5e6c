using Messenger.Federation.Protocol.Auth;
using Messenger.Federation.Protocol.Events;
using Messenger.Federation.Tests.Protocol.Auth.Support;
using Xunit;
using static Messenger.Federation.Tests.Protocol.Auth.Support.AuthRoomBuilder;

namespace Messenger.Federation.Tests.Protocol.Auth;

/// <summary>rooms/v12: the create event's sender and <c>additional_creators</c> have infinite power and are never listed.</summary>
public sealed class PrivilegedCreatorsTests
{
    private static AuthRoomBuilder RoomWithCoCreator(string version)
    {
        var room = Bare(V(version), createContent: $$"""{"additional_creators":["{{Bob}}"]}""");
        room.Apply(room.CreatorJoin()).SetJoinRule(JoinRules.Public).Join(Bob).Join(Carol);
        return room.SetPowerLevels($$"""{"users":{"{{Carol}}":100},"ban":50,"kick":50}""");
    }

    [Fact]
    public void V12_creators_outrank_any_listed_level()
    {
        var room = RoomWithCoCreator("12");
        var levels = PowerLevels.FromState(room.State, room.Version);
        Assert.Equal(PowerLevels.Infinite, levels.UserLevel(Alice));
        Assert.Equal(PowerLevels.Infinite, levels.UserLevel(Bob));
        Assert.Equal(100, levels.UserLevel(Carol));
        AuthAssert.Allowed(room.Authorize(room.Member(Bob, Carol, Membership.Ban)));
    }

    [Fact]
    public void V12_creators_cannot_be_kicked_or_banned_even_by_each_other()
    {
        var room = RoomWithCoCreator("12");
        AuthAssert.Rejected(AuthRule.BanNotPermitted, room.Authorize(room.Member(Carol, Alice, Membership.Ban)));
        AuthAssert.Rejected(AuthRule.KickNotPermitted, room.Authorize(room.Member(Carol, Bob, Membership.Leave)));
        AuthAssert.Rejected(AuthRule.BanNotPermitted, room.Authorize(room.Member(Alice, Bob, Membership.Ban)));
    }

    [Fact]
    public void V12_power_levels_may_not_list_a_creator()
    {
        var room = RoomWithCoCreator("12");
        AuthAssert.Rejected(AuthRule.PowerLevelsListsCreator,
            room.Authorize(room.PowerLevelsEvent(Alice, $$$"""{"users":{"{{{Alice}}}":100}}""")));
        AuthAssert.Rejected(AuthRule.PowerLevelsListsCreator,
            room.Authorize(room.PowerLevelsEvent(Alice, $$$"""{"users":{"{{{Bob}}}":100}}""")));
        AuthAssert.Allowed(room.Authorize(room.PowerLevelsEvent(Alice, $$$"""{"users":{"{{{Carol}}}":10}}""")));
    }

    [Fact]
    public void V12_first_power_levels_may_not_list_a_creator_either()
    {
        var room = Bare(V("12"));
        room.Apply(room.CreatorJoin());
        AuthAssert.Rejected(AuthRule.PowerLevelsListsCreator, room.Authorize(room.PowerLevelsEvent(Alice, $$$"""{"users":{"{{{Alice}}}":100}}""")));
    }

    [Theory, MemberData(nameof(Versions.DomainRoomIds), MemberType = typeof(Versions))]
    public void Before_v12_the_creator_may_be_listed_and_additional_creators_are_plain_users(string version)
    {
        var room = RoomWithCoCreator(version);
        var levels = PowerLevels.FromState(room.State, room.Version);
        Assert.Equal(0, levels.UserLevel(Alice));
        Assert.Equal(0, levels.UserLevel(Bob));
        AuthAssert.Allowed(room.Authorize(room.PowerLevelsEvent(Carol, $$"""{"users":{"{{Carol}}":100,"{{Alice}}":100},"ban":50,"kick":50}""")));
    }

    [Fact]
    public void V12_without_power_levels_creators_are_infinite_and_others_zero()
    {
        var room = Bare(V("12"), createContent: $$"""{"additional_creators":["{{Bob}}"]}""");
        var levels = PowerLevels.FromState(room.State, room.Version);
        Assert.Equal(PowerLevels.Infinite, levels.UserLevel(Alice));
        Assert.Equal(PowerLevels.Infinite, levels.UserLevel(Bob));
        Assert.Equal(0, levels.UserLevel(Carol));
    }

    [Theory, MemberData(nameof(Versions.DomainRoomIds), MemberType = typeof(Versions))]
    public void Before_v12_without_power_levels_the_creator_has_100(string version)
    {
        var room = Bare(V(version));
        var levels = PowerLevels.FromState(room.State, room.Version);
        Assert.Equal(100, levels.UserLevel(Alice));
        Assert.Equal(0, levels.UserLevel(Bob));
    }

    [Fact]
    public void V12_auth_event_selection_leaves_out_the_create_event()
    {
        var room = Created(V("12"));
        Assert.DoesNotContain(new StateKey(EventTypes.Create, ""), AuthEventSelector.Select(room.Message(Alice)));
    }
}
