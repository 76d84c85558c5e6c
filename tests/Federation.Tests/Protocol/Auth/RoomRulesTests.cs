using Messenger.Federation.Protocol.Auth;
using Messenger.Federation.Protocol.Events;
using Messenger.Federation.Tests.Protocol.Auth.Support;
using static Messenger.Federation.Tests.Protocol.Auth.Support.AuthRoomBuilder;
using Xunit;

namespace Messenger.Federation.Tests.Protocol.Auth;

/// <summary>The rules every non-create event passes: create event present, room id, m.federate, joined sender, levels, state keys.</summary>
public sealed class RoomRulesTests
{
    [Theory, MemberData(nameof(Versions.All), MemberType = typeof(Versions))]
    public void Joined_member_may_send_a_message(string version)
    {
        var room = Created(V(version)).Join(Bob);
        AuthAssert.Allowed(room.Authorize(room.Message(Bob)));
    }

    [Theory, MemberData(nameof(Versions.DomainRoomIds), MemberType = typeof(Versions))]
    public void Event_without_a_create_event_in_its_auth_state_is_rejected(string version)
    {
        var room = Created(V(version)).Join(Bob);
        var message = room.Message(Bob);
        room.Without(EventTypes.Create);
        AuthAssert.Rejected(AuthRule.NoCreateEvent, room.Authorize(message));
    }

    [Theory, MemberData(nameof(Versions.CreateEventRoomIds), MemberType = typeof(Versions))]
    public void V12_event_whose_room_id_is_not_the_create_event_id_is_rejected(string version)
    {
        var room = Created(V(version)).Join(Bob);
        var stray = room.Build(EventTypes.Message, Bob, null, new() { ["body"] = "hi" }, "$stray", ["$x"], roomId: "!SomeOtherRoomEntirely00000000000000000000");
        AuthAssert.Rejected(AuthRule.RoomIdNotFromCreate, room.Authorize(stray));
    }

    [Theory, MemberData(nameof(Versions.CreateEventRoomIds), MemberType = typeof(Versions))]
    public void V12_event_without_a_known_create_event_is_rejected(string version)
    {
        var room = Created(V(version)).Join(Bob);
        var message = room.Message(Bob);
        room.Without(EventTypes.Create);
        AuthAssert.Rejected(AuthRule.RoomIdNotFromCreate, room.Authorize(message));
    }

    [Theory, MemberData(nameof(Versions.CreateEventRoomIds), MemberType = typeof(Versions))]
    public void V12_room_id_is_the_create_event_id_with_the_room_sigil(string version)
    {
        var room = Created(V(version));
        Assert.Equal("!" + room.CreateEvent.EventId[1..], room.RoomId);
        Assert.False(room.CreateEvent.Json.ContainsKey("room_id"));
    }

    [Theory, MemberData(nameof(Versions.All), MemberType = typeof(Versions))]
    public void Auth_state_event_from_another_room_is_rejected(string version)
    {
        var room = Created(V(version)).Join(Bob);
        var otherRoom = Created(V(version));
        var foreignJoin = otherRoom.Build(EventTypes.Member, Bob, Bob, new() { ["membership"] = "join" }, "$foreign:test", ["$x:test"],
            roomId: version == "12" ? "!AnotherRoom000000000000000000000000000000" : "!elsewhere:test");
        room.Apply(foreignJoin);
        AuthAssert.Rejected(AuthRule.AuthEventsOtherRoom, room.Authorize(room.Message(Bob)));
    }

    [Theory, MemberData(nameof(Versions.All), MemberType = typeof(Versions))]
    public void Non_federating_room_rejects_senders_from_other_servers(string version)
    {
        var room = Bare(V(version), createContent: """{"m.federate":false}""");
        room.Apply(room.CreatorJoin()).SetJoinRule(JoinRules.Public);
        AuthAssert.Rejected(AuthRule.FederationDisabled, room.Authorize(room.Member(Dave, Dave, Membership.Join)));
        AuthAssert.Allowed(room.Authorize(room.Member(Bob, Bob, Membership.Join)));
    }

    [Theory, MemberData(nameof(Versions.All), MemberType = typeof(Versions))]
    public void Federating_room_admits_senders_from_other_servers(string version)
    {
        var room = Bare(V(version), createContent: """{"m.federate":true}""");
        room.Apply(room.CreatorJoin()).SetJoinRule(JoinRules.Public);
        AuthAssert.Allowed(room.Authorize(room.Member(Dave, Dave, Membership.Join)));
    }

    [Theory, MemberData(nameof(Versions.All), MemberType = typeof(Versions))]
    public void Sender_who_is_not_joined_cannot_send(string version)
    {
        var room = Created(V(version)).Invited(Bob);
        AuthAssert.Rejected(AuthRule.SenderNotJoined, room.Authorize(room.Message(Bob)));
        AuthAssert.Rejected(AuthRule.SenderNotJoined, room.Authorize(room.Message(Carol)));
    }

    [Theory, MemberData(nameof(Versions.All), MemberType = typeof(Versions))]
    public void Sender_who_left_cannot_send(string version)
    {
        var room = Created(V(version)).Join(Bob).SetMembership(Bob, Membership.Leave);
        AuthAssert.Rejected(AuthRule.SenderNotJoined, room.Authorize(room.Message(Bob)));
    }

    [Theory, MemberData(nameof(Versions.All), MemberType = typeof(Versions))]
    public void Event_below_its_required_level_is_rejected(string version)
    {
        var room = Created(V(version)).Join(Bob);
        // No events entry: state events need state_default (50), messages events_default (0).
        AuthAssert.Rejected(AuthRule.EventLevelTooLow, room.Authorize(room.Event(EventTypes.Topic, Bob, "", """{"topic":"t"}""")));
        AuthAssert.Allowed(room.Authorize(room.Event(EventTypes.Topic, Alice, "", """{"topic":"t"}""")));
    }

    [Theory, MemberData(nameof(Versions.All), MemberType = typeof(Versions))]
    public void Events_entry_overrides_the_defaults(string version)
    {
        var room = Created(V(version)).Join(Bob).Join(Carol);
        room.SetLevels("""{"events":{"m.room.topic":10,"m.room.message":20}}""", (Bob, 10));
        AuthAssert.Allowed(room.Authorize(room.Event(EventTypes.Topic, Bob, "", """{"topic":"t"}""")));
        AuthAssert.Rejected(AuthRule.EventLevelTooLow, room.Authorize(room.Message(Bob)));
        AuthAssert.Rejected(AuthRule.EventLevelTooLow, room.Authorize(room.Event(EventTypes.Topic, Carol, "", """{"topic":"t"}""")));
    }

    [Theory, MemberData(nameof(Versions.All), MemberType = typeof(Versions))]
    public void Without_power_levels_the_creator_may_send_state_and_others_only_messages(string version)
    {
        var room = Bare(V(version));
        room.Apply(room.CreatorJoin()).Join(Bob);
        AuthAssert.Allowed(room.Authorize(room.Event(EventTypes.Name, Alice, "", """{"name":"n"}""")));
        AuthAssert.Rejected(AuthRule.EventLevelTooLow, room.Authorize(room.Event(EventTypes.Name, Bob, "", """{"name":"n"}""")));
        AuthAssert.Allowed(room.Authorize(room.Message(Bob)));
    }

    [Theory, MemberData(nameof(Versions.All), MemberType = typeof(Versions))]
    public void State_key_of_another_user_is_rejected(string version)
    {
        var room = Created(V(version)).Join(Bob);
        AuthAssert.Rejected(AuthRule.StateKeyOfOtherUser, room.Authorize(room.Event("org.example.profile", Alice, Bob, "{}")));
    }

    [Theory, MemberData(nameof(Versions.All), MemberType = typeof(Versions))]
    public void State_key_of_the_sender_or_not_a_user_is_allowed(string version)
    {
        var room = Created(V(version)).Join(Bob);
        AuthAssert.Allowed(room.Authorize(room.Event("org.example.profile", Alice, Alice, "{}")));
        AuthAssert.Allowed(room.Authorize(room.Event("org.example.profile", Alice, "bob", "{}")));
    }

    [Theory, MemberData(nameof(Versions.All), MemberType = typeof(Versions))]
    public void Third_party_invite_event_needs_the_invite_level(string version)
    {
        var room = Created(V(version)).Join(Bob).Join(Carol);
        room.SetLevels("""{"invite":10,"events":{"m.room.third_party_invite":100}}""", (Bob, 10));
        // Rule 6 replaces the events/state_default level for this type: the invite level alone decides.
        AuthAssert.Allowed(room.Authorize(room.Event(EventTypes.ThirdPartyInvite, Bob, "tok", """{"display_name":"x"}""")));
        AuthAssert.Rejected(AuthRule.ThirdPartyInviteLevelTooLow,
            room.Authorize(room.Event(EventTypes.ThirdPartyInvite, Carol, "tok", """{"display_name":"x"}""")));
    }

    [Theory, MemberData(nameof(Versions.AliasesRule), MemberType = typeof(Versions))]
    public void Aliases_may_be_set_by_the_server_named_in_the_state_key_even_without_membership(string version)
    {
        var room = Created(V(version));
        AuthAssert.Allowed(room.Authorize(room.Event(EventTypes.Aliases, Dave, "other.example", """{"aliases":["#a:other.example"]}""")));
    }

    [Theory, MemberData(nameof(Versions.AliasesRule), MemberType = typeof(Versions))]
    public void Aliases_for_another_server_are_rejected(string version)
    {
        var room = Created(V(version));
        AuthAssert.Rejected(AuthRule.AliasesDomainMismatch, room.Authorize(room.Event(EventTypes.Aliases, Alice, "other.example", """{"aliases":[]}""")));
    }

    [Theory, MemberData(nameof(Versions.AliasesRule), MemberType = typeof(Versions))]
    public void Aliases_without_a_state_key_are_rejected(string version)
    {
        var room = Created(V(version));
        AuthAssert.Rejected(AuthRule.AliasesNoStateKey, room.Authorize(room.Event(EventTypes.Aliases, Alice, null, """{"aliases":[]}""")));
    }

    [Theory, MemberData(nameof(Versions.NoAliasesRule), MemberType = typeof(Versions))]
    public void From_v6_aliases_are_ordinary_state_events(string version)
    {
        var room = Created(V(version)).Join(Bob);
        AuthAssert.Rejected(AuthRule.SenderNotJoined, room.Authorize(room.Event(EventTypes.Aliases, Dave, "other.example", """{"aliases":[]}""")));
        AuthAssert.Rejected(AuthRule.EventLevelTooLow, room.Authorize(room.Event(EventTypes.Aliases, Bob, "test", """{"aliases":[]}""")));
        AuthAssert.Allowed(room.Authorize(room.Event(EventTypes.Aliases, Alice, "other.example", """{"aliases":[]}""")));
    }
}
