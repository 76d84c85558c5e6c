using Messenger.Federation.Protocol.Auth;
using Messenger.Federation.Protocol.Events;
using Messenger.Federation.Tests.Protocol.Auth.Support;
using static Messenger.Federation.Tests.Protocol.Auth.Support.AuthRoomBuilder;
using Xunit;

namespace Messenger.Federation.Tests.Protocol.Auth;

/// <summary><c>m.room.member</c> with membership <c>leave</c> (leaving, rejecting, kicking, unbanning) and <c>ban</c>.</summary>
public sealed class LeaveKickBanTests
{
    /// <summary>Power levels giving Bob 50 and Carol 10 (Alice 100 before v12, infinite as creator in v12).</summary>
    private static AuthRoomBuilder ModeratedRoom(string version)
    {
        var room = Created(V(version)).Join(Bob).Join(Carol);
        return room.SetLevels("""{"kick":50,"ban":50}""", (Bob, 50), (Carol, 10));
    }

    [Theory, MemberData(nameof(Versions.All), MemberType = typeof(Versions))]
    public void Joined_user_may_leave_and_invited_user_may_reject(string version)
    {
        var room = Created(V(version)).Join(Bob).Invited(Carol);
        AuthAssert.Allowed(room.Authorize(room.Member(Bob, Bob, Membership.Leave)));
        AuthAssert.Allowed(room.Authorize(room.Member(Carol, Carol, Membership.Leave)));
    }

    [Theory, MemberData(nameof(Versions.All), MemberType = typeof(Versions))]
    public void User_who_is_not_in_the_room_cannot_leave_it(string version)
    {
        var room = Created(V(version)).Banned(Bob);
        AuthAssert.Rejected(AuthRule.LeaveNotMember, room.Authorize(room.Member(Carol, Carol, Membership.Leave)));
        AuthAssert.Rejected(AuthRule.LeaveNotMember, room.Authorize(room.Member(Bob, Bob, Membership.Leave)));
    }

    [Theory, MemberData(nameof(Versions.Knocking), MemberType = typeof(Versions))]
    public void Knocking_user_may_withdraw_the_knock_from_v7(string version)
    {
        var room = Created(V(version), JoinRules.Knock).SetMembership(Bob, Membership.Knock);
        AuthAssert.Allowed(room.Authorize(room.Member(Bob, Bob, Membership.Leave)));
    }

    [Theory, MemberData(nameof(Versions.NoKnocking), MemberType = typeof(Versions))]
    public void Knock_membership_is_no_membership_to_leave_before_v7(string version)
    {
        var room = Created(V(version)).SetMembership(Bob, Membership.Knock);
        AuthAssert.Rejected(AuthRule.LeaveNotMember, room.Authorize(room.Member(Bob, Bob, Membership.Leave)));
    }

    [Theory, MemberData(nameof(Versions.All), MemberType = typeof(Versions))]
    public void Moderator_may_kick_a_lower_member(string version)
    {
        var room = ModeratedRoom(version);
        AuthAssert.Allowed(room.Authorize(room.Member(Bob, Carol, Membership.Leave)));
    }

    [Theory, MemberData(nameof(Versions.All), MemberType = typeof(Versions))]
    public void Member_below_the_kick_level_cannot_kick(string version)
    {
        var room = ModeratedRoom(version).Join(Dave);
        AuthAssert.Rejected(AuthRule.KickNotPermitted, room.Authorize(room.Member(Carol, Dave, Membership.Leave)));
    }

    [Theory, MemberData(nameof(Versions.All), MemberType = typeof(Versions))]
    public void Nobody_may_kick_an_equal_or_higher_member(string version)
    {
        var room = ModeratedRoom(version);
        AuthAssert.Rejected(AuthRule.KickNotPermitted, room.Authorize(room.Member(Bob, Alice, Membership.Leave)));
        room.SetLevels("{}", (Bob, 50), (Carol, 50));
        AuthAssert.Rejected(AuthRule.KickNotPermitted, room.Authorize(room.Member(Bob, Carol, Membership.Leave)));
    }

    [Theory, MemberData(nameof(Versions.All), MemberType = typeof(Versions))]
    public void Kicker_must_be_joined(string version)
    {
        var room = ModeratedRoom(version).SetMembership(Bob, Membership.Leave);
        AuthAssert.Rejected(AuthRule.LeaveSenderNotJoined, room.Authorize(room.Member(Bob, Carol, Membership.Leave)));
    }

    [Theory, MemberData(nameof(Versions.All), MemberType = typeof(Versions))]
    public void Unban_needs_the_ban_level_as_well_as_the_kick_level(string version)
    {
        var room = ModeratedRoom(version).Banned(Dave);
        room.SetLevels("""{"kick":50,"ban":60}""", (Bob, 50));
        AuthAssert.Rejected(AuthRule.UnbanLevelTooLow, room.Authorize(room.Member(Bob, Dave, Membership.Leave)));
        AuthAssert.Allowed(room.Authorize(room.Member(Alice, Dave, Membership.Leave)));
    }

    [Theory, MemberData(nameof(Versions.All), MemberType = typeof(Versions))]
    public void Moderator_may_ban_a_lower_user_even_one_not_in_the_room(string version)
    {
        var room = ModeratedRoom(version);
        AuthAssert.Allowed(room.Authorize(room.Member(Bob, Carol, Membership.Ban)));
        AuthAssert.Allowed(room.Authorize(room.Member(Bob, Dave, Membership.Ban)));
    }

    [Theory, MemberData(nameof(Versions.All), MemberType = typeof(Versions))]
    public void Member_below_the_ban_level_cannot_ban(string version)
    {
        var room = ModeratedRoom(version);
        AuthAssert.Rejected(AuthRule.BanNotPermitted, room.Authorize(room.Member(Carol, Dave, Membership.Ban)));
    }

    [Theory, MemberData(nameof(Versions.All), MemberType = typeof(Versions))]
    public void Nobody_may_ban_an_equal_or_higher_member(string version)
    {
        var room = ModeratedRoom(version);
        AuthAssert.Rejected(AuthRule.BanNotPermitted, room.Authorize(room.Member(Bob, Alice, Membership.Ban)));
        AuthAssert.Rejected(AuthRule.BanNotPermitted, room.Authorize(room.Member(Bob, Bob, Membership.Ban)));
    }

    [Theory, MemberData(nameof(Versions.All), MemberType = typeof(Versions))]
    public void Banner_must_be_joined(string version)
    {
        var room = ModeratedRoom(version).SetMembership(Bob, Membership.Leave);
        AuthAssert.Rejected(AuthRule.BanSenderNotJoined, room.Authorize(room.Member(Bob, Carol, Membership.Ban)));
    }
}
