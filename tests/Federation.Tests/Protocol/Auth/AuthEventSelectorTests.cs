using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Auth;
using Messenger.Federation.Protocol.Events;
using Messenger.Federation.Tests.Protocol.Auth.Support;
using Xunit;
using static Messenger.Federation.Tests.Protocol.Auth.Support.AuthRoomBuilder;

namespace Messenger.Federation.Tests.Protocol.Auth;

/// <summary>Server-server API "Auth events selection" and auth rules 2.1–2.5 (v12: 3.1–3.5) on received auth events.</summary>
public sealed class AuthEventSelectorTests
{
    private static readonly StateKey Create = new(EventTypes.Create, "");
    private static readonly StateKey Power = new(EventTypes.PowerLevels, "");
    private static readonly StateKey JoinRule = new(EventTypes.JoinRules, "");
    private static StateKey Member(string user) => new(EventTypes.Member, user);

    [Theory, MemberData(nameof(Versions.DomainRoomIds), MemberType = typeof(Versions))]
    public void Message_cites_create_power_levels_and_the_senders_membership(string version)
    {
        var room = Created(V(version)).Join(Bob);
        Assert.Equal([Create, Power, Member(Bob)], AuthEventSelector.Select(room.Message(Bob)));
    }

    [Theory, MemberData(nameof(Versions.CreateEventRoomIds), MemberType = typeof(Versions))]
    public void V12_message_cites_power_levels_and_the_senders_membership_only(string version)
    {
        var room = Created(V(version)).Join(Bob);
        Assert.Equal([Power, Member(Bob)], AuthEventSelector.Select(room.Message(Bob)));
    }

    [Theory, MemberData(nameof(Versions.All), MemberType = typeof(Versions))]
    public void Create_event_cites_nothing(string version)
    {
        Assert.Empty(AuthEventSelector.Select(Bare(V(version)).CreateEvent));
    }

    [Theory, MemberData(nameof(Versions.DomainRoomIds), MemberType = typeof(Versions))]
    public void Invite_cites_the_target_and_the_join_rules(string version)
    {
        var room = Created(V(version));
        Assert.Equal([Create, Power, Member(Alice), Member(Bob), JoinRule], AuthEventSelector.Select(room.Member(Alice, Bob, Membership.Invite)));
    }

    [Theory, MemberData(nameof(Versions.All), MemberType = typeof(Versions))]
    public void Leave_and_ban_do_not_cite_the_join_rules(string version)
    {
        var room = Created(V(version));
        Assert.DoesNotContain(JoinRule, AuthEventSelector.Select(room.Member(Alice, Bob, Membership.Ban)));
        Assert.DoesNotContain(JoinRule, AuthEventSelector.Select(room.Member(Bob, Bob, Membership.Leave)));
    }

    [Theory, MemberData(nameof(Versions.All), MemberType = typeof(Versions))]
    public void Own_join_cites_the_membership_once(string version)
    {
        var room = Created(V(version), JoinRules.Public);
        var keys = AuthEventSelector.Select(room.Member(Bob, Bob, Membership.Join));
        Assert.Single(keys, k => k == Member(Bob));
        Assert.Contains(JoinRule, keys);
    }

    [Theory, MemberData(nameof(Versions.All), MemberType = typeof(Versions))]
    public void Third_party_invite_cites_the_invite_named_by_the_token(string version)
    {
        var room = Created(V(version));
        var invite = room.Member(Alice, Bob, Membership.Invite, """{"third_party_invite":{"signed":{"mxid":"@bob:test","token":"tok"}}}""");
        Assert.Contains(new StateKey(EventTypes.ThirdPartyInvite, "tok"), AuthEventSelector.Select(invite));
    }

    [Theory, MemberData(nameof(Versions.Restricted), MemberType = typeof(Versions))]
    public void Restricted_join_cites_the_authorising_users_membership_from_v8(string version)
    {
        var room = Created(V(version), JoinRules.Restricted);
        var join = room.Member(Bob, Bob, Membership.Join, $$"""{"join_authorised_via_users_server":"{{Carol}}"}""");
        Assert.Contains(Member(Carol), AuthEventSelector.Select(join));
    }

    [Theory, MemberData(nameof(Versions.NoRestricted), MemberType = typeof(Versions))]
    public void Join_authorisation_is_not_cited_before_v8(string version)
    {
        var room = Created(V(version), JoinRules.Public);
        var join = room.Member(Bob, Bob, Membership.Join, $$"""{"join_authorised_via_users_server":"{{Carol}}"}""");
        Assert.DoesNotContain(Member(Carol), AuthEventSelector.Select(join));
    }

    [Fact]
    public void Selection_works_for_an_event_still_being_built()
    {
        var content = new JsonObject { ["membership"] = "knock" };
        Assert.Equal([Power, Member(Bob), JoinRule], AuthEventSelector.Select(V("12"), EventTypes.Member, Bob, Bob, content));
    }

    [Theory, MemberData(nameof(Versions.All), MemberType = typeof(Versions))]
    public void Auth_events_exactly_as_selected_pass(string version)
    {
        var room = Created(V(version)).Join(Bob);
        var authEvents = Current(room, AuthEventSelector.Select(room.Message(Bob)));
        var message = room.WithAuthEvents(room.Message(Bob), authEvents);
        AuthAssert.Allowed(AuthEventSelector.Check(message, authEvents));
    }

    [Theory, MemberData(nameof(Versions.All), MemberType = typeof(Versions))]
    public void Duplicate_type_and_state_key_is_rejected(string version)
    {
        var room = Created(V(version)).Join(Bob);
        var oldPower = room.State[Power];
        room.SetLevels("{}", (Bob, 10));
        var authEvents = Current(room, AuthEventSelector.Select(room.Message(Bob))).Append(oldPower).ToArray();
        AuthAssert.Rejected(AuthRule.AuthEventsDuplicate, AuthEventSelector.Check(room.WithAuthEvents(room.Message(Bob), authEvents), authEvents));
    }

    [Theory, MemberData(nameof(Versions.All), MemberType = typeof(Versions))]
    public void Auth_event_the_selection_would_not_choose_is_rejected(string version)
    {
        var room = Created(V(version)).Join(Bob);
        var authEvents = Current(room, AuthEventSelector.Select(room.Message(Bob))).Append(room.State[JoinRule]).ToArray();
        AuthAssert.Rejected(AuthRule.AuthEventsUnexpected, AuthEventSelector.Check(room.WithAuthEvents(room.Message(Bob), authEvents), authEvents));
    }

    [Theory, MemberData(nameof(Versions.CreateEventRoomIds), MemberType = typeof(Versions))]
    public void V12_create_event_among_auth_events_is_rejected(string version)
    {
        var room = Created(V(version)).Join(Bob);
        var authEvents = Current(room, AuthEventSelector.Select(room.Message(Bob))).Prepend(room.CreateEvent).ToArray();
        AuthAssert.Rejected(AuthRule.AuthEventsUnexpected, AuthEventSelector.Check(room.WithAuthEvents(room.Message(Bob), authEvents), authEvents));
    }

    [Theory, MemberData(nameof(Versions.DomainRoomIds), MemberType = typeof(Versions))]
    public void Before_v12_auth_events_without_the_create_event_are_rejected(string version)
    {
        var room = Created(V(version)).Join(Bob);
        var authEvents = Current(room, [Power, Member(Bob)]);
        AuthAssert.Rejected(AuthRule.NoCreateEvent, AuthEventSelector.Check(room.WithAuthEvents(room.Message(Bob), authEvents), authEvents));
    }

    [Theory, MemberData(nameof(Versions.All), MemberType = typeof(Versions))]
    public void Auth_event_from_another_room_is_rejected(string version)
    {
        var room = Created(V(version)).Join(Bob);
        var foreign = room.Build(EventTypes.Member, Bob, Bob, new JsonObject { ["membership"] = "join" }, "$f:test", ["$x:test"], roomId: "!other:test");
        var authEvents = Current(room, AuthEventSelector.Select(room.Message(Bob))).Where(e => e.StateKey != Bob).Append(foreign).ToArray();
        AuthAssert.Rejected(AuthRule.AuthEventsOtherRoom, AuthEventSelector.Check(room.WithAuthEvents(room.Message(Bob), authEvents), authEvents));
    }

    [Theory, MemberData(nameof(Versions.All), MemberType = typeof(Versions))]
    public void Event_authorised_against_its_own_auth_events(string version)
    {
        var room = Created(V(version)).Join(Bob);
        var authEvents = Current(room, AuthEventSelector.Select(room.Message(Bob)));
        var state = AuthEventSelector.ToAuthState(authEvents, room.Version.RoomIdFromCreateEvent ? room.CreateEvent : null);
        AuthAssert.Allowed(EventAuthorizer.Authorize(room.Message(Bob), state));
        AuthAssert.Rejected(AuthRule.SenderNotJoined, EventAuthorizer.Authorize(room.Message(Carol), state));
    }

    private static Pdu[] Current(AuthRoomBuilder room, IEnumerable<StateKey> keys) =>
        keys.Where(room.State.ContainsKey).Select(k => room.State[k]).ToArray();
}
