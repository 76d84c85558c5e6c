using Messenger.Federation.Protocol.Auth;
using Messenger.Federation.Protocol.Events;
using Messenger.Federation.Tests.Protocol.Auth.Support;
using static Messenger.Federation.Tests.Protocol.Auth.Support.AuthRoomBuilder;
using Xunit;

namespace Messenger.Federation.Tests.Protocol.Auth;

/// <summary><c>m.room.member</c> with membership <c>knock</c> (rooms/v7, extended to <c>knock_restricted</c> by rooms/v10).</summary>
public sealed class KnockRulesTests
{
    [Theory, MemberData(nameof(Versions.Knocking), MemberType = typeof(Versions))]
    public void Outsider_may_knock_on_a_knock_room(string version)
    {
        var room = Created(V(version), JoinRules.Knock);
        AuthAssert.Allowed(room.Authorize(room.Member(Dave, Dave, Membership.Knock)));
    }

    [Theory, MemberData(nameof(Versions.Knocking), MemberType = typeof(Versions))]
    public void User_who_left_may_knock_again(string version)
    {
        var room = Created(V(version), JoinRules.Knock).Join(Bob).SetMembership(Bob, Membership.Leave);
        AuthAssert.Allowed(room.Authorize(room.Member(Bob, Bob, Membership.Knock)));
    }

    [Theory, MemberData(nameof(Versions.Knocking), MemberType = typeof(Versions))]
    public void Knock_on_a_room_whose_join_rule_is_not_knock_is_rejected(string version)
    {
        var room = Created(V(version), JoinRules.Public);
        AuthAssert.Rejected(AuthRule.KnockJoinRule, room.Authorize(room.Member(Dave, Dave, Membership.Knock)));
        room.SetJoinRule(JoinRules.Invite);
        AuthAssert.Rejected(AuthRule.KnockJoinRule, room.Authorize(room.Member(Dave, Dave, Membership.Knock)));
    }

    [Theory, MemberData(nameof(Versions.Knocking), MemberType = typeof(Versions))]
    public void Nobody_may_knock_for_someone_else(string version)
    {
        var room = Created(V(version), JoinRules.Knock);
        AuthAssert.Rejected(AuthRule.KnockNotSelf, room.Authorize(room.Member(Alice, Dave, Membership.Knock)));
    }

    [Theory, MemberData(nameof(Versions.Knocking), MemberType = typeof(Versions))]
    public void Banned_invited_or_joined_users_cannot_knock(string version)
    {
        var room = Created(V(version), JoinRules.Knock).Banned(Bob).Invited(Carol);
        AuthAssert.Rejected(AuthRule.KnockMembership, room.Authorize(room.Member(Bob, Bob, Membership.Knock)));
        AuthAssert.Rejected(AuthRule.KnockMembership, room.Authorize(room.Member(Carol, Carol, Membership.Knock)));
        AuthAssert.Rejected(AuthRule.KnockMembership, room.Authorize(room.Member(Alice, Alice, Membership.Knock)));
    }

    [Theory, MemberData(nameof(Versions.NoKnocking), MemberType = typeof(Versions))]
    public void Knock_membership_is_unknown_before_v7(string version)
    {
        var room = Created(V(version), JoinRules.Knock);
        AuthAssert.Rejected(AuthRule.MembershipUnknown, room.Authorize(room.Member(Dave, Dave, Membership.Knock)));
    }

    [Theory, MemberData(nameof(Versions.KnockRestricted), MemberType = typeof(Versions))]
    public void Knock_restricted_room_accepts_knocks_from_v10(string version)
    {
        var room = Created(V(version), JoinRules.KnockRestricted);
        AuthAssert.Allowed(room.Authorize(room.Member(Dave, Dave, Membership.Knock)));
    }

    [Theory]
    [InlineData("7"), InlineData("8"), InlineData("9")]
    public void Knock_restricted_room_refuses_knocks_before_v10(string version)
    {
        var room = Created(V(version), JoinRules.KnockRestricted);
        AuthAssert.Rejected(AuthRule.KnockJoinRule, room.Authorize(room.Member(Dave, Dave, Membership.Knock)));
    }

    [Theory, MemberData(nameof(Versions.Restricted), MemberType = typeof(Versions))]
    public void Restricted_room_refuses_knocks(string version)
    {
        var room = Created(V(version), JoinRules.Restricted);
        AuthAssert.Rejected(AuthRule.KnockJoinRule, room.Authorize(room.Member(Dave, Dave, Membership.Knock)));
    }
}
