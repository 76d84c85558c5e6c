using Messenger.Federation.Protocol.Auth;
using Messenger.Federation.Protocol.Events;
using Messenger.Federation.Tests.Protocol.Auth.Support;
using static Messenger.Federation.Tests.Protocol.Auth.Support.AuthRoomBuilder;
using Xunit;

namespace Messenger.Federation.Tests.Protocol.Auth;

/// <summary><c>m.room.member</c> with membership <c>join</c>, for each join rule.</summary>
public sealed class JoinRulesTests
{
    [Theory, MemberData(nameof(Versions.All), MemberType = typeof(Versions))]
    public void Creator_may_join_right_after_the_create_event(string version)
    {
        var room = Bare(V(version));
        AuthAssert.Allowed(room.Authorize(room.CreatorJoin()));
    }

    [Theory, MemberData(nameof(Versions.All), MemberType = typeof(Versions))]
    public void Someone_else_cannot_use_the_creators_first_join(string version)
    {
        var room = Bare(V(version));
        // No join rules event yet: Synapse (and we) read that as "invite".
        AuthAssert.Rejected(AuthRule.JoinNotInvited, room.Authorize(room.CreatorJoin(Bob)));
    }

    [Theory, MemberData(nameof(Versions.CreatorInContent), MemberType = typeof(Versions))]
    public void Before_v11_the_first_join_belongs_to_content_creator_not_the_sender(string version)
    {
        var room = Bare(V(version), creator: Alice, createContent: $$"""{"creator":"{{Bob}}"}""");
        AuthAssert.Allowed(room.Authorize(room.CreatorJoin(Bob)));
        AuthAssert.Rejected(AuthRule.JoinNotInvited, room.Authorize(room.CreatorJoin(Alice)));
    }

    [Theory, MemberData(nameof(Versions.CreatorIsSender), MemberType = typeof(Versions))]
    public void From_v11_the_first_join_belongs_to_the_create_sender(string version)
    {
        var room = Bare(V(version), creator: Alice, createContent: $$"""{"creator":"{{Bob}}"}""");
        AuthAssert.Allowed(room.Authorize(room.CreatorJoin(Alice)));
        AuthAssert.Rejected(AuthRule.JoinNotInvited, room.Authorize(room.CreatorJoin(Bob)));
    }

    [Theory, MemberData(nameof(Versions.All), MemberType = typeof(Versions))]
    public void Creator_join_after_other_events_follows_the_join_rule(string version)
    {
        var room = Created(V(version), JoinRules.Invite).SetMembership(Alice, Membership.Leave);
        AuthAssert.Rejected(AuthRule.JoinNotInvited, room.Authorize(room.Member(Alice, Alice, Membership.Join)));
    }

    [Theory, MemberData(nameof(Versions.All), MemberType = typeof(Versions))]
    public void Anyone_may_join_a_public_room(string version)
    {
        var room = Created(V(version), JoinRules.Public);
        AuthAssert.Allowed(room.Authorize(room.Member(Dave, Dave, Membership.Join)));
    }

    [Theory, MemberData(nameof(Versions.All), MemberType = typeof(Versions))]
    public void Nobody_may_join_someone_else(string version)
    {
        var room = Created(V(version), JoinRules.Public);
        AuthAssert.Rejected(AuthRule.JoinNotSelf, room.Authorize(room.Member(Alice, Bob, Membership.Join)));
    }

    [Theory, MemberData(nameof(Versions.All), MemberType = typeof(Versions))]
    public void Banned_user_cannot_rejoin(string version)
    {
        var room = Created(V(version), JoinRules.Public).Join(Bob).Banned(Bob);
        AuthAssert.Rejected(AuthRule.JoinBanned, room.Authorize(room.Member(Bob, Bob, Membership.Join)));
    }

    [Theory, MemberData(nameof(Versions.All), MemberType = typeof(Versions))]
    public void Invite_only_room_admits_the_invited_and_the_joined(string version)
    {
        var room = Created(V(version), JoinRules.Invite).Invited(Bob).Join(Carol);
        AuthAssert.Allowed(room.Authorize(room.Member(Bob, Bob, Membership.Join)));
        AuthAssert.Allowed(room.Authorize(room.Member(Carol, Carol, Membership.Join)));
        AuthAssert.Rejected(AuthRule.JoinNotInvited, room.Authorize(room.Member(Dave, Dave, Membership.Join)));
    }

    [Theory, MemberData(nameof(Versions.All), MemberType = typeof(Versions))]
    public void Private_or_unknown_join_rule_admits_nobody_new(string version)
    {
        var room = Created(V(version), JoinRules.Private);
        AuthAssert.Rejected(AuthRule.JoinRuleForbids, room.Authorize(room.Member(Bob, Bob, Membership.Join)));
        room.SetJoinRule("org.example.custom");
        AuthAssert.Rejected(AuthRule.JoinRuleForbids, room.Authorize(room.Member(Bob, Bob, Membership.Join)));
    }

    [Theory, MemberData(nameof(Versions.Knocking), MemberType = typeof(Versions))]
    public void Knock_room_admits_the_invited_from_v7(string version)
    {
        var room = Created(V(version), JoinRules.Knock).Invited(Bob);
        AuthAssert.Allowed(room.Authorize(room.Member(Bob, Bob, Membership.Join)));
        AuthAssert.Rejected(AuthRule.JoinNotInvited, room.Authorize(room.Member(Carol, Carol, Membership.Join)));
    }

    [Theory, MemberData(nameof(Versions.NoKnocking), MemberType = typeof(Versions))]
    public void Knock_join_rule_means_nothing_before_v7(string version)
    {
        var room = Created(V(version), JoinRules.Knock).Invited(Bob);
        AuthAssert.Rejected(AuthRule.JoinRuleForbids, room.Authorize(room.Member(Bob, Bob, Membership.Join)));
    }

    [Theory, MemberData(nameof(Versions.Restricted), MemberType = typeof(Versions))]
    public void Restricted_room_admits_a_join_authorised_by_a_joined_member_who_may_invite(string version)
    {
        var room = Created(V(version), JoinRules.Restricted);
        var join = room.Member(Bob, Bob, Membership.Join, $$"""{"join_authorised_via_users_server":"{{Alice}}"}""");
        AuthAssert.Allowed(room.Authorize(join));
    }

    [Theory, MemberData(nameof(Versions.Restricted), MemberType = typeof(Versions))]
    public void Restricted_room_admits_the_invited_without_an_authoriser(string version)
    {
        var room = Created(V(version), JoinRules.Restricted).Invited(Bob);
        AuthAssert.Allowed(room.Authorize(room.Member(Bob, Bob, Membership.Join)));
    }

    [Theory, MemberData(nameof(Versions.Restricted), MemberType = typeof(Versions))]
    public void Restricted_join_without_an_authoriser_is_rejected(string version)
    {
        var room = Created(V(version), JoinRules.Restricted);
        AuthAssert.Rejected(AuthRule.JoinNotAuthorised, room.Authorize(room.Member(Bob, Bob, Membership.Join)));
    }

    [Theory, MemberData(nameof(Versions.Restricted), MemberType = typeof(Versions))]
    public void Restricted_join_authorised_by_someone_not_joined_is_rejected(string version)
    {
        var room = Created(V(version), JoinRules.Restricted).Invited(Carol);
        var join = room.Member(Bob, Bob, Membership.Join, $$"""{"join_authorised_via_users_server":"{{Carol}}"}""");
        AuthAssert.Rejected(AuthRule.JoinNotAuthorised, room.Authorize(join));
    }

    [Theory, MemberData(nameof(Versions.Restricted), MemberType = typeof(Versions))]
    public void Restricted_join_authorised_by_someone_below_the_invite_level_is_rejected(string version)
    {
        var room = Created(V(version), JoinRules.Restricted).Join(Carol);
        room.SetLevels("""{"invite":10}""", (Carol, 5));
        var join = room.Member(Bob, Bob, Membership.Join, $$"""{"join_authorised_via_users_server":"{{Carol}}"}""");
        AuthAssert.Rejected(AuthRule.JoinNotAuthorised, room.Authorize(join));
    }

    [Theory, MemberData(nameof(Versions.Restricted), MemberType = typeof(Versions))]
    public void Restricted_room_still_keeps_out_the_banned(string version)
    {
        var room = Created(V(version), JoinRules.Restricted).Banned(Bob);
        var join = room.Member(Bob, Bob, Membership.Join, $$"""{"join_authorised_via_users_server":"{{Alice}}"}""");
        AuthAssert.Rejected(AuthRule.JoinBanned, room.Authorize(join));
    }

    [Theory, MemberData(nameof(Versions.NoRestricted), MemberType = typeof(Versions))]
    public void Restricted_join_rule_means_nothing_before_v8(string version)
    {
        var room = Created(V(version), JoinRules.Restricted);
        var join = room.Member(Bob, Bob, Membership.Join, $$"""{"join_authorised_via_users_server":"{{Alice}}"}""");
        AuthAssert.Rejected(AuthRule.JoinRuleForbids, room.Authorize(join));
    }

    [Theory, MemberData(nameof(Versions.KnockRestricted), MemberType = typeof(Versions))]
    public void Knock_restricted_room_admits_authorised_joins_from_v10(string version)
    {
        var room = Created(V(version), JoinRules.KnockRestricted);
        AuthAssert.Allowed(room.Authorize(room.Member(Bob, Bob, Membership.Join, $$"""{"join_authorised_via_users_server":"{{Alice}}"}""")));
        AuthAssert.Rejected(AuthRule.JoinNotAuthorised, room.Authorize(room.Member(Carol, Carol, Membership.Join)));
    }

    [Theory, MemberData(nameof(Versions.NoKnockRestricted), MemberType = typeof(Versions))]
    public void Knock_restricted_join_rule_means_nothing_before_v10(string version)
    {
        var room = Created(V(version), JoinRules.KnockRestricted);
        AuthAssert.Rejected(AuthRule.JoinRuleForbids,
            room.Authorize(room.Member(Bob, Bob, Membership.Join, $$"""{"join_authorised_via_users_server":"{{Alice}}"}""")));
    }

    [Theory, MemberData(nameof(Versions.Restricted), MemberType = typeof(Versions))]
    public void Authorising_server_is_named_for_the_signature_checks(string version)
    {
        var room = Created(V(version), JoinRules.Restricted);
        var join = room.Member(Dave, Dave, Membership.Join, $$"""{"join_authorised_via_users_server":"{{Alice}}"}""");
        Assert.Equal("test", AuthEventSelector.AuthorisingServer(join));
        Assert.Null(AuthEventSelector.AuthorisingServer(room.Member(Dave, Dave, Membership.Join)));
    }

    [Theory, MemberData(nameof(Versions.NoRestricted), MemberType = typeof(Versions))]
    public void Before_v8_no_authorising_server_signature_is_required(string version)
    {
        var room = Created(V(version), JoinRules.Public);
        var join = room.Member(Dave, Dave, Membership.Join, $$"""{"join_authorised_via_users_server":"{{Alice}}"}""");
        Assert.Null(AuthEventSelector.AuthorisingServer(join));
    }

    [Theory, MemberData(nameof(Versions.All), MemberType = typeof(Versions))]
    public void Member_event_without_membership_or_state_key_is_rejected(string version)
    {
        var room = Created(V(version), JoinRules.Public);
        AuthAssert.Rejected(AuthRule.MemberMalformed, room.Authorize(room.Event(EventTypes.Member, Bob, Bob, "{}")));
        AuthAssert.Rejected(AuthRule.MemberMalformed, room.Authorize(room.Event(EventTypes.Member, Bob, Bob, """{"membership":1}""")));
        AuthAssert.Rejected(AuthRule.MemberMalformed, room.Authorize(room.Event(EventTypes.Member, Bob, null, """{"membership":"join"}""")));
    }

    [Theory, MemberData(nameof(Versions.All), MemberType = typeof(Versions))]
    public void Unknown_membership_is_rejected(string version)
    {
        var room = Created(V(version), JoinRules.Public);
        AuthAssert.Rejected(AuthRule.MembershipUnknown, room.Authorize(room.Member(Bob, Bob, "lurk")));
    }
}
