using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Events;
using Messenger.Federation.Protocol.RoomVersions;
using Messenger.Federation.Protocol.StateResolution;
using Messenger.Federation.Tests.Protocol.StateResolution.Support;
using Xunit;
using static Messenger.Federation.Tests.Protocol.StateResolution.Support.Users;

namespace Messenger.Federation.Tests.Protocol.StateResolution;

/// <summary>
/// The classic state resolution v2 scenarios (rooms v2 "State resolution"), told as forks of one room: each starts
/// at START and merges at END, and the test states which events END's state must hold. They run on v2 rooms, on
/// the last v2 room version (11) and on room version 12 (v2.1), where they must come out the same.
/// </summary>
public sealed class StateResolutionV2Tests
{
    public static TheoryData<string> Versions => ["2", "6", "11", "12"];

    private static RoomDag Room(string versionId) => RoomDag.WithInitialEvents(RoomVersions.Find(versionId)!);

    [Theory, MemberData(nameof(Versions))]
    public void A_ban_wins_over_power_levels_the_banned_user_sent_concurrently(string version)
    {
        var room = Room(version);
        room.State("PA", EventTypes.PowerLevels, Alice, "", room.PowerLevels((Bob, 50)), "START");
        room.State("MA", EventTypes.Member, Alice, Alice, Content.Join, "PA");
        room.State("MB", EventTypes.Member, Alice, Bob, Content.Ban, "MA");
        room.State("PB", EventTypes.PowerLevels, Bob, "", room.PowerLevels((Bob, 50)), "PA");
        room.Message("END", Zara, "MB", "PB");

        StateAssert.ChangedTo(room, "START", "END", "PA", "MA", "MB");
    }

    [Theory, MemberData(nameof(Versions))]
    public void A_join_concurrent_with_making_the_room_private_is_not_let_in(string version)
    {
        var room = Room(version);
        room.State("JR", EventTypes.JoinRules, Alice, "", Content.JoinRule("invite"), "START");
        room.State("ME", EventTypes.Member, Evelyn, Evelyn, Content.Join, "START");
        room.Message("END", Zara, "JR", "ME");

        StateAssert.ChangedTo(room, "START", "END", "JR");
    }

    [Theory, MemberData(nameof(Versions))]
    public void Power_levels_survive_when_sent_by_a_user_promoted_by_an_earlier_power_levels_change(string version)
    {
        var room = Room(version);
        room.State("PA", EventTypes.PowerLevels, Alice, "", room.PowerLevels((Bob, 50)), "START");
        room.State("PB", EventTypes.PowerLevels, Bob, "", room.PowerLevels((Bob, 50), (Charlie, 50)), "PA");
        room.State("PC", EventTypes.PowerLevels, Charlie, "", room.PowerLevels((Bob, 50), (Charlie, 0)), "PB");
        room.Message("END", Zara, "PC", "PA");

        StateAssert.ChangedTo(room, "START", "END", "PC");
    }

    [Theory, MemberData(nameof(Versions))]
    public void A_topic_from_a_user_demoted_concurrently_is_dropped(string version)
    {
        var room = Room(version);
        room.State("T1", EventTypes.Topic, Alice, "", Content.Topic("one"), "START");
        room.State("PA1", EventTypes.PowerLevels, Alice, "", room.PowerLevels((Bob, 50)), "T1");
        room.State("T2", EventTypes.Topic, Alice, "", Content.Topic("two"), "PA1");
        room.State("PA2", EventTypes.PowerLevels, Alice, "", room.PowerLevels((Bob, 0)), "T2");
        room.State("PB", EventTypes.PowerLevels, Bob, "", room.PowerLevels((Bob, 50)), "PA1");
        room.State("T3", EventTypes.Topic, Bob, "", Content.Topic("three"), "PB");
        room.Message("END", Zara, "PA2", "T3");

        StateAssert.ChangedTo(room, "START", "END", "PA2", "T2");
    }

    [Theory, MemberData(nameof(Versions))]
    public void Banning_a_user_does_not_reset_the_topic_on_a_fork_that_never_saw_their_topic(string version)
    {
        var room = Room(version);
        room.State("T1", EventTypes.Topic, Alice, "", Content.Topic("one"), "START");
        room.State("PA", EventTypes.PowerLevels, Alice, "", room.PowerLevels((Bob, 50)), "T1");
        room.State("T2", EventTypes.Topic, Bob, "", Content.Topic("two"), "PA");
        room.State("MB", EventTypes.Member, Alice, Bob, Content.Ban, "T2");
        room.Message("END", Zara, "MB", "T1");

        StateAssert.ChangedTo(room, "START", "END", "T1", "MB", "PA");
    }

    [Theory, MemberData(nameof(Versions))]
    public void The_topic_set_after_a_merge_wins_over_the_demoted_users_topic(string version)
    {
        var room = Room(version);
        room.State("T1", EventTypes.Topic, Alice, "", Content.Topic("one"), "START");
        room.State("PA1", EventTypes.PowerLevels, Alice, "", room.PowerLevels((Bob, 50)), "T1");
        room.State("T2", EventTypes.Topic, Alice, "", Content.Topic("two"), "PA1");
        room.State("PA2", EventTypes.PowerLevels, Alice, "", room.PowerLevels((Bob, 0)), "T2");
        room.State("PB", EventTypes.PowerLevels, Bob, "", room.PowerLevels((Bob, 50)), "PA1");
        room.State("T3", EventTypes.Topic, Bob, "", Content.Topic("three"), "PB");
        room.Message("MZ1", Zara, "PA2", "T3");
        room.State("T4", EventTypes.Topic, Alice, "", Content.Topic("four"), "MZ1");
        room.Message("END", Zara, "T4", "MZ1");

        StateAssert.ChangedTo(room, "START", "END", "T4", "PA2");
    }

    [Theory, MemberData(nameof(Versions))]
    public void Mainline_ordering_prefers_the_topic_based_on_the_newer_power_levels_over_a_later_timestamp(string version)
    {
        var room = Room(version);
        room.State("T1", EventTypes.Topic, Alice, "", Content.Topic("one"), "START");
        room.State("PA1", EventTypes.PowerLevels, Alice, "", room.PowerLevels((Bob, 50)), "T1");
        room.State("T2", EventTypes.Topic, Alice, "", Content.Topic("two"), "PA1");
        var pa2 = room.PowerLevels((Bob, 50));
        pa2["events"] = new JsonObject { [EventTypes.PowerLevels] = 100 };
        room.State("PA2", EventTypes.PowerLevels, Alice, "", pa2, "T2");
        room.State("PB", EventTypes.PowerLevels, Bob, "", room.PowerLevels((Bob, 50)), "PA1");
        room.State("T3", EventTypes.Topic, Bob, "", Content.Topic("three"), "PA2");
        room.State("T4", EventTypes.Topic, Alice, "", Content.Topic("four"), "PB");
        room.Message("END", Zara, "T3", "T4");

        // T4 is newer, but it is based on PA1 while T3 is based on PA2, later on the mainline of the resolved PA2.
        StateAssert.ChangedTo(room, "START", "END", "T3", "PA2");
    }

    [Theory, MemberData(nameof(Versions))]
    public void A_kick_removes_the_member_and_their_concurrent_state(string version)
    {
        var room = Room(version);
        room.State("PA", EventTypes.PowerLevels, Alice, "", room.PowerLevels((Charlie, 50)), "START");
        room.State("TC", EventTypes.Topic, Charlie, "", Content.Topic("charlie's"), "PA");
        room.State("KC", EventTypes.Member, Alice, Charlie, Content.Leave, "PA");
        room.Message("END", Zara, "TC", "KC");

        StateAssert.ChangedTo(room, "START", "END", "PA", "KC");
    }

    [Theory, MemberData(nameof(Versions))]
    public void Forks_that_changed_different_keys_keep_both_changes(string version)
    {
        var room = Room(version);
        room.State("T1", EventTypes.Topic, Alice, "", Content.Topic("one"), "START");
        room.State("ME", EventTypes.Member, Evelyn, Evelyn, Content.Join, "START");
        room.Message("END", Zara, "T1", "ME");

        StateAssert.ChangedTo(room, "START", "END", "T1", "ME");
    }

    [Theory, MemberData(nameof(Versions))]
    public void Resolving_identical_state_sets_returns_that_state(string version)
    {
        var room = Room(version);
        var state = room.StateAfter("START");

        var resolved = room.Resolve(state, state, state);

        Assert.Equal(state.OrderBy(kv => kv.Value), resolved.OrderBy(kv => kv.Value));
    }

    [Theory, MemberData(nameof(Versions))]
    public void An_auth_event_that_was_rejected_on_receipt_does_not_authorise_during_resolution(string version)
    {
        var room = Room(version);
        room.State("PA", EventTypes.PowerLevels, Alice, "", room.PowerLevels((Evelyn, 50)), "START");
        room.State("ME", EventTypes.Member, Evelyn, Evelyn, Content.Join, "PA");
        room.State("TE", EventTypes.Topic, Evelyn, "", Content.Topic("evelyn's"), "ME");
        room.State("T1", EventTypes.Topic, Alice, "", Content.Topic("alice's"), "START");
        var forks = new[] { room.StateAfter("TE"), room.StateAfter("T1") };

        var accepted = StateResolver.Resolve(room.Version, forks, room.Source()).State;
        var withRejectedJoin = StateResolver.Resolve(room.Version, forks, room.Source(["ME"])).State;

        var topic = new StateKey(EventTypes.Topic, "");
        Assert.Equal(room.IdOf("TE"), accepted[topic]);
        Assert.Equal(room.IdOf("T1"), withRejectedJoin[topic]);
    }
}
