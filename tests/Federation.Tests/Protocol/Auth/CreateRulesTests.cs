using Messenger.Federation.Protocol.Auth;
using Messenger.Federation.Protocol.Events;
using Messenger.Federation.Tests.Protocol.Auth.Support;
using static Messenger.Federation.Tests.Protocol.Auth.Support.AuthRoomBuilder;
using Xunit;

namespace Messenger.Federation.Tests.Protocol.Auth;

/// <summary>Rule 1: <c>m.room.create</c> (rooms/v1 … v12 "Authorization rules").</summary>
public sealed class CreateRulesTests
{
    [Theory, MemberData(nameof(Versions.All), MemberType = typeof(Versions))]
    public void Create_event_without_prev_events_is_allowed(string version)
    {
        var room = Bare(V(version));
        AuthAssert.Allowed(EventAuthorizer.Authorize(room.CreateEvent, new Dictionary<StateKey, Pdu>()));
    }

    [Theory, MemberData(nameof(Versions.All), MemberType = typeof(Versions))]
    public void Create_event_with_prev_events_is_rejected(string version)
    {
        var room = Bare(V(version));
        var second = room.Build(EventTypes.Create, Alice, "", room.CreateEvent.Content.DeepClone().AsObject(), "$second:test", [room.CreateEvent.EventId],
            roomId: room.CreateEvent.Json.ContainsKey("room_id") ? room.RoomId : null);
        AuthAssert.Rejected(AuthRule.CreateHasPrevEvents, EventAuthorizer.Authorize(second, room.State));
    }

    [Theory, MemberData(nameof(Versions.All), MemberType = typeof(Versions))]
    public void Create_event_with_a_state_key_other_than_empty_is_rejected(string version)
    {
        var room = Bare(V(version));
        var odd = room.Build(EventTypes.Create, Alice, "x", room.CreateEvent.Content.DeepClone().AsObject(), "$odd:test", [],
            roomId: room.CreateEvent.Json.ContainsKey("room_id") ? room.RoomId : null);
        AuthAssert.Rejected(AuthRule.CreateStateKeyNotEmpty, EventAuthorizer.Authorize(odd, room.State));
    }

    [Theory, MemberData(nameof(Versions.DomainRoomIds), MemberType = typeof(Versions))]
    public void Create_event_from_another_server_than_the_room_id_is_rejected(string version)
    {
        var room = Bare(V(version), creator: Dave, createContent: $$"""{"creator":"{{Dave}}"}""");
        Assert.EndsWith(":test", room.RoomId);
        AuthAssert.Rejected(AuthRule.CreateRoomIdDomain, EventAuthorizer.Authorize(room.CreateEvent, room.State));
    }

    [Theory, MemberData(nameof(Versions.CreateEventRoomIds), MemberType = typeof(Versions))]
    public void V12_create_event_may_come_from_any_server_since_room_ids_have_no_domain(string version)
    {
        var room = Bare(V(version), creator: Dave);
        AuthAssert.Allowed(EventAuthorizer.Authorize(room.CreateEvent, room.State));
    }

    [Theory, MemberData(nameof(Versions.CreateEventRoomIds), MemberType = typeof(Versions))]
    public void V12_create_event_with_a_room_id_is_rejected(string version)
    {
        var room = Bare(V(version), withRoomIdOnCreate: true);
        AuthAssert.Rejected(AuthRule.CreateHasRoomId, EventAuthorizer.Authorize(room.CreateEvent, room.State));
    }

    [Theory, MemberData(nameof(Versions.All), MemberType = typeof(Versions))]
    public void Create_event_naming_an_unknown_room_version_is_rejected(string version)
    {
        var room = Bare(V(version), createContent: """{"room_version":"org.example.unstable"}""");
        AuthAssert.Rejected(AuthRule.CreateUnknownRoomVersion, EventAuthorizer.Authorize(room.CreateEvent, room.State));
    }

    [Theory, MemberData(nameof(Versions.All), MemberType = typeof(Versions))]
    public void Create_event_with_a_non_string_room_version_is_rejected(string version)
    {
        var room = Bare(V(version), createContent: """{"room_version":12}""");
        AuthAssert.Rejected(AuthRule.CreateUnknownRoomVersion, EventAuthorizer.Authorize(room.CreateEvent, room.State));
    }

    [Theory, MemberData(nameof(Versions.All), MemberType = typeof(Versions))]
    public void Create_event_naming_another_known_room_version_is_allowed(string version)
    {
        // The rule only asks for a recognised version, not this one.
        var room = Bare(V(version), createContent: """{"room_version":"1"}""");
        AuthAssert.Allowed(EventAuthorizer.Authorize(room.CreateEvent, room.State));
    }

    [Theory, MemberData(nameof(Versions.CreatorInContent), MemberType = typeof(Versions))]
    public void Create_event_without_creator_is_rejected_before_v11(string version)
    {
        var room = Bare(V(version));
        room.CreateEvent.Content.Remove("creator");
        AuthAssert.Rejected(AuthRule.CreateMissingCreator, EventAuthorizer.Authorize(room.CreateEvent, room.State));
    }

    [Theory, MemberData(nameof(Versions.CreatorIsSender), MemberType = typeof(Versions))]
    public void Create_event_without_creator_is_allowed_from_v11(string version)
    {
        var room = Bare(V(version));
        Assert.False(room.CreateEvent.Content.ContainsKey("creator"));
        AuthAssert.Allowed(EventAuthorizer.Authorize(room.CreateEvent, room.State));
    }

    [Theory, MemberData(nameof(Versions.CreateEventRoomIds), MemberType = typeof(Versions))]
    public void V12_additional_creators_of_valid_user_ids_are_allowed(string version)
    {
        var room = Bare(V(version), createContent: $$"""{"additional_creators":["{{Bob}}","{{Dave}}"]}""");
        AuthAssert.Allowed(EventAuthorizer.Authorize(room.CreateEvent, room.State));
    }

    [Theory]
    [InlineData("""{"additional_creators":"@bob:test"}""")]
    [InlineData("""{"additional_creators":["@bob:test", 5]}""")]
    [InlineData("""{"additional_creators":["bob"]}""")]
    [InlineData("""{"additional_creators":["@bob"]}""")]
    [InlineData("""{"additional_creators":["@bob:"]}""")]
    [InlineData("""{"additional_creators":null}""")]
    public void V12_additional_creators_that_are_not_user_ids_are_rejected(string content)
    {
        var room = Bare(V("12"), createContent: content);
        AuthAssert.Rejected(AuthRule.CreateAdditionalCreatorsInvalid, EventAuthorizer.Authorize(room.CreateEvent, room.State));
    }

    [Theory, MemberData(nameof(Versions.DomainRoomIds), MemberType = typeof(Versions))]
    public void Additional_creators_mean_nothing_before_v12(string version)
    {
        var room = Bare(V(version), createContent: """{"additional_creators":"not even an array"}""");
        AuthAssert.Allowed(EventAuthorizer.Authorize(room.CreateEvent, room.State));
    }
}
