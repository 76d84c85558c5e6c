using System.Security.Cryptography;
using System.Text;
using Messenger.Federation.Protocol.Events;
using Messenger.Federation.Protocol.RoomVersions;
using Messenger.Federation.Tests.Protocol.StateResolution.Support;
using Xunit;
using static Messenger.Federation.Tests.Protocol.StateResolution.Support.Users;

namespace Messenger.Federation.Tests.Protocol.StateResolution;

/// <summary>
/// State resolution of room version 1 (rooms v1 "State resolution"): R starts as the union of the state sets without
/// conflicting keys; conflicting power levels, then join rules, then memberships are replayed in ascending depth
/// while the auth rules allow them; any other key takes the deepest event (then lowest sha1 of its id) that passes.
/// </summary>
public sealed class StateResolutionV1Tests
{
    private static RoomDag Room() => RoomDag.WithInitialEvents(RoomVersions.V1);

    [Fact]
    public void A_key_only_one_state_set_has_is_not_a_conflict()
    {
        var room = Room();
        room.State("ME", EventTypes.Member, Evelyn, Evelyn, Content.Join, "START");
        room.State("T1", EventTypes.Topic, Alice, "", Content.Topic("one"), "START");
        room.Message("END", Zara, "ME", "T1");

        StateAssert.ChangedTo(room, "START", "END", "ME", "T1");
    }

    [Fact]
    public void Later_power_levels_win_when_the_earlier_ones_allow_them()
    {
        var room = Room();
        room.State("PA", EventTypes.PowerLevels, Alice, "", room.PowerLevels((Bob, 50)), "START");
        room.State("PB", EventTypes.PowerLevels, Bob, "", room.PowerLevels((Bob, 50), (Charlie, 50)), "PA");
        room.Message("END", Zara, "PB", "PA");

        StateAssert.ChangedTo(room, "START", "END", "PB");
    }

    [Fact]
    public void Replaying_power_levels_stops_at_the_first_one_the_earlier_ones_do_not_allow()
    {
        var room = Room();
        room.State("PA", EventTypes.PowerLevels, Alice, "", room.PowerLevels((Bob, 50)), "START");
        room.State("PC", EventTypes.PowerLevels, Charlie, "", room.PowerLevels((Bob, 50), (Charlie, 100)), "PA");
        room.Message("M1", Zara, "PA");
        room.State("PB", EventTypes.PowerLevels, Bob, "", room.PowerLevels((Bob, 50), (Charlie, 0)), "M1");
        room.Message("END", Zara, "PA", "PC", "PB");

        // By depth: PA, PC, PB. Charlie (level 0) may not send PC under PA, so PB, allowed under PA, is never reached.
        StateAssert.ChangedTo(room, "START", "END", "PA");
    }

    [Fact]
    public void The_shallowest_conflicting_power_levels_are_taken_without_an_auth_check()
    {
        var room = Room();
        room.State("PA", EventTypes.PowerLevels, Alice, "", room.PowerLevels((Bob, 50)), "START");
        room.State("PC", EventTypes.PowerLevels, Charlie, "", room.PowerLevels((Bob, 50), (Charlie, 100)), "PA");
        room.Message("M1", Zara, "PA");
        room.State("PB", EventTypes.PowerLevels, Bob, "", room.PowerLevels((Bob, 50), (Charlie, 0)), "M1");
        room.Message("END", Zara, "PC", "PB");

        // Rooms v1 "Add the first event in the list to R": PC, though Charlie could not send it; Bob (50) then may
        // not demote Charlie (100). One of the state resets the v1 warning speaks of.
        StateAssert.ChangedTo(room, "START", "END", "PC");
    }

    [Fact]
    public void A_ban_deeper_than_a_concurrent_join_wins()
    {
        var room = Room();
        room.State("ME", EventTypes.Member, Evelyn, Evelyn, Content.Join, "START");
        room.State("T1", EventTypes.Topic, Alice, "", Content.Topic("one"), "START");
        room.State("BE", EventTypes.Member, Alice, Evelyn, Content.Ban, "T1");
        room.Message("END", Zara, "ME", "BE");

        StateAssert.ChangedTo(room, "START", "END", "T1", "BE");
    }

    [Fact]
    public void A_join_deeper_than_a_concurrent_ban_is_refused()
    {
        var room = Room();
        room.State("BE", EventTypes.Member, Alice, Evelyn, Content.Ban, "START");
        room.State("T1", EventTypes.Topic, Alice, "", Content.Topic("one"), "START");
        room.State("ME", EventTypes.Member, Evelyn, Evelyn, Content.Join, "T1");
        room.Message("END", Zara, "ME", "BE");

        StateAssert.ChangedTo(room, "START", "END", "T1", "BE");
    }

    [Fact]
    public void The_deepest_allowed_topic_wins()
    {
        var room = Room();
        room.State("T1", EventTypes.Topic, Alice, "", Content.Topic("one"), "START");
        room.State("T2", EventTypes.Topic, Alice, "", Content.Topic("two"), "START");
        room.State("T3", EventTypes.Topic, Alice, "", Content.Topic("three"), "T2");
        room.Message("END", Zara, "T1", "T3");

        StateAssert.ChangedTo(room, "START", "END", "T3");
    }

    [Fact]
    public void A_deeper_topic_the_sender_may_not_set_loses_to_an_allowed_one()
    {
        var room = Room();
        room.State("T1", EventTypes.Topic, Alice, "", Content.Topic("alice's"), "START");
        room.Message("M1", Bob, "START");
        room.State("TB", EventTypes.Topic, Bob, "", Content.Topic("bob's"), "M1");
        room.Message("END", Zara, "T1", "TB");

        // Bob has level 0; state events need state_default, 50.
        StateAssert.ChangedTo(room, "START", "END", "T1");
    }

    [Fact]
    public void Topics_of_equal_depth_are_decided_by_the_lowest_sha1_of_the_event_id()
    {
        var room = Room();
        room.State("TX", EventTypes.Topic, Alice, "", Content.Topic("x"), "START");
        room.State("TY", EventTypes.Topic, Alice, "", Content.Topic("y"), "START");
        room.Message("END", Zara, "TX", "TY");

        var lowest = new[] { "TX", "TY" }
            .OrderBy(n => Convert.ToHexStringLower(SHA1.HashData(Encoding.ASCII.GetBytes(room.IdOf(n)))), StringComparer.Ordinal)
            .First();
        StateAssert.ChangedTo(room, "START", "END", lowest);
    }
}
