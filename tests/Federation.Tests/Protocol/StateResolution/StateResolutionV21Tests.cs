using Messenger.Federation.Protocol.Events;
using Messenger.Federation.Protocol.RoomVersions;
using Messenger.Federation.Protocol.StateResolution;
using Messenger.Federation.Tests.Protocol.StateResolution.Support;
using Xunit;
using static Messenger.Federation.Tests.Protocol.StateResolution.Support.Users;

namespace Messenger.Federation.Tests.Protocol.StateResolution;

/// <summary>
/// State resolution v2.1 (rooms v12, MSC4297) against v2, on the two state resets MSC4297 describes. Both need a
/// state set that is stale (as a partial /state response can be): its keys point at older events than its own auth
/// chains. The same room is resolved with room version 11's rules under v2 and under v2.1 (as Synapse's
/// org.matrix.hydra.11 does), so only the algorithm differs, and under room version 12 itself.
/// </summary>
public sealed class StateResolutionV21Tests
{
    private static readonly RoomVersion V11WithV21 = RoomVersions.V11 with { Id = "11+v2.1", StateResolution = StateResolutionAlgorithm.V2_1 };
    private static readonly StateKey JoinRulesKey = new(EventTypes.JoinRules, "");
    private static readonly StateKey PowerLevelsKey = new(EventTypes.PowerLevels, "");

    /// <summary>
    /// Problem A: Alice changes the join rules twice, then leaves. One fork still reports the first join rules. v2
    /// replays both join rules against the unconflicted state, where Alice has left, so both fail and the room loses
    /// its join rules. v2.1 starts from an empty state, so each is checked against its own auth events.
    /// </summary>
    private static (RoomDag Room, IReadOnlyDictionary<StateKey, string>[] Forks) JoinRulesOfADepartedAdmin(RoomVersion version)
    {
        var room = RoomDag.WithInitialEvents(version);
        room.State("JR1", EventTypes.JoinRules, Alice, "", Content.JoinRule("invite"), "START");
        room.State("JR2", EventTypes.JoinRules, Alice, "", Content.JoinRule("public"), "JR1");
        room.State("LA", EventTypes.Member, Alice, Alice, Content.Leave, "JR2");
        return (room, [room.StateAfter("LA"), room.StateAfterWith("LA", "JR1")]);
    }

    [Fact]
    public void V2_loses_the_join_rules_set_by_an_admin_who_left()
    {
        var (room, forks) = JoinRulesOfADepartedAdmin(RoomVersions.V11);

        Assert.False(room.Resolve(forks).ContainsKey(JoinRulesKey));
    }

    [Fact]
    public void V2_1_keeps_the_latest_join_rules_set_by_an_admin_who_left()
    {
        foreach (var version in new[] { V11WithV21, RoomVersions.V12 })
        {
            var (room, forks) = JoinRulesOfADepartedAdmin(version);

            var resolved = room.Resolve(forks);

            Assert.Equal(room.IdOf("JR2"), resolved[JoinRulesKey]);
            Assert.Equal(room.IdOf("LA"), resolved[new StateKey(EventTypes.Member, Alice)]);
        }
    }

    /// <summary>
    /// Problem B: Alice promotes Bob, Bob promotes Charlie, Charlie sets the topic. One fork still reports the room's
    /// first power levels, though its topic's auth chain holds both promotions. Both forks' auth chains hold Bob's
    /// promotion, so it is not in the auth difference: v2 replays only the first power levels and Charlie's, and
    /// Charlie's fails without Bob's promotion. v2.1 adds the conflicted subgraph, which holds Bob's promotion.
    /// </summary>
    private static (RoomDag Room, IReadOnlyDictionary<StateKey, string>[] Forks) ChainedPromotions(RoomVersion version)
    {
        var room = RoomDag.WithInitialEvents(version);
        room.State("PB", EventTypes.PowerLevels, Alice, "", room.PowerLevels((Bob, 50)), "START");
        room.State("PC", EventTypes.PowerLevels, Bob, "", room.PowerLevels((Bob, 50), (Charlie, 50)), "PB");
        room.State("TC", EventTypes.Topic, Charlie, "", Content.Topic("charlie's"), "PC");
        return (room, [room.StateAfter("TC"), room.StateAfterWith("TC", "IPOWER")]);
    }

    [Fact]
    public void V2_resets_power_levels_promoted_through_a_chain_of_promotions()
    {
        var (room, forks) = ChainedPromotions(RoomVersions.V11);

        Assert.Equal(room.IdOf("IPOWER"), room.Resolve(forks)[PowerLevelsKey]);
    }

    [Fact]
    public void V2_1_keeps_power_levels_promoted_through_a_chain_of_promotions()
    {
        foreach (var version in new[] { V11WithV21, RoomVersions.V12 })
        {
            var (room, forks) = ChainedPromotions(version);

            Assert.Equal(room.IdOf("PC"), room.Resolve(forks)[PowerLevelsKey]);
        }
    }

    [Fact]
    public void The_conflicted_subgraph_holds_exactly_the_events_between_conflicted_events()
    {
        var (room, _) = ChainedPromotions(RoomVersions.V12);
        var events = new ResolutionEvents(room.Version, room.Source());

        var subgraph = ConflictedSubgraph.Compute([room.IdOf("PC"), room.IdOf("IPOWER")], events);

        // PC → PB → IPOWER, and PC → Bob's join IMB → (IJR →) IPOWER, since a join cites the power levels and join
        // rules. The create event and Alice's join are ancestors too, but lead to no conflicted event.
        Assert.Equal(new[] { "IJR", "IMB", "IPOWER", "PB", "PC" }.Select(room.IdOf).Order(), subgraph.Order());
    }
}
