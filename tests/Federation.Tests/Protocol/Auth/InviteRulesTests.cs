using Messenger.Federation.Protocol.Auth;
using Messenger.Federation.Protocol.Events;
using Messenger.Federation.Tests.Protocol.Auth.Support;
using static Messenger.Federation.Tests.Protocol.Auth.Support.AuthRoomBuilder;
using Xunit;

namespace Messenger.Federation.Tests.Protocol.Auth;

/// <summary><c>m.room.member</c> with membership <c>invite</c> (without a third-party invite).</summary>
public sealed class InviteRulesTests
{
    [Theory, MemberData(nameof(Versions.All), MemberType = typeof(Versions))]
    public void Joined_member_at_the_invite_level_may_invite(string version)
    {
        var room = Created(V(version)).Join(Bob);
        AuthAssert.Allowed(room.Authorize(room.Member(Bob, Carol, Membership.Invite)));
    }

    [Theory, MemberData(nameof(Versions.All), MemberType = typeof(Versions))]
    public void Member_below_the_invite_level_cannot_invite(string version)
    {
        var room = Created(V(version)).Join(Bob);
        room.SetLevels("""{"invite":50}""", (Bob, 49));
        AuthAssert.Rejected(AuthRule.InviteLevelTooLow, room.Authorize(room.Member(Bob, Carol, Membership.Invite)));
        AuthAssert.Allowed(room.Authorize(room.Member(Alice, Carol, Membership.Invite)));
    }

    [Theory, MemberData(nameof(Versions.All), MemberType = typeof(Versions))]
    public void Sender_who_is_not_joined_cannot_invite(string version)
    {
        var room = Created(V(version)).Invited(Bob);
        AuthAssert.Rejected(AuthRule.InviteSenderNotJoined, room.Authorize(room.Member(Bob, Carol, Membership.Invite)));
    }

    [Theory, MemberData(nameof(Versions.All), MemberType = typeof(Versions))]
    public void Joined_or_banned_users_cannot_be_invited(string version)
    {
        var room = Created(V(version)).Join(Bob).Banned(Carol);
        AuthAssert.Rejected(AuthRule.InviteTargetJoinedOrBanned, room.Authorize(room.Member(Alice, Bob, Membership.Invite)));
        AuthAssert.Rejected(AuthRule.InviteTargetJoinedOrBanned, room.Authorize(room.Member(Alice, Carol, Membership.Invite)));
    }

    [Theory, MemberData(nameof(Versions.All), MemberType = typeof(Versions))]
    public void Invited_or_departed_users_may_be_invited_again(string version)
    {
        var room = Created(V(version)).Invited(Bob).Join(Carol).SetMembership(Carol, Membership.Leave);
        AuthAssert.Allowed(room.Authorize(room.Member(Alice, Bob, Membership.Invite)));
        AuthAssert.Allowed(room.Authorize(room.Member(Alice, Carol, Membership.Invite)));
    }
}
