using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Events;
using Messenger.Federation.Protocol.RoomVersions;
using Messenger.Federation.Protocol.StateResolution;
using Messenger.Federation.Tests.Protocol.StateResolution.Support;
using Xunit;
using static Messenger.Federation.Tests.Protocol.StateResolution.Support.Users;

namespace Messenger.Federation.Tests.Protocol.StateResolution;

/// <summary>
/// Rooms v2 "Reverse topological power ordering": Kahn's algorithm over the auth DAG, earliest first, choosing among
/// the events whose auth events are all placed the one whose sender has the greatest power, then the smallest
/// timestamp, then the smallest event id. And what a resolution reports when events are missing.
/// </summary>
public sealed class OrderingTests
{
    private static readonly RoomVersion Version = RoomVersions.V11;

    private static Pdu Event(string id, string sender, long ts, params string[] authEvents) =>
        UnsignedPdu.Build(Version, "$" + id, "!room:example.com", EventTypes.JoinRules, sender, "", Content.JoinRule("public"),
            authEvents.Select(a => "$" + a), [], 1, ts);

    private static string[] Sort(params Pdu[] events)
    {
        var source = new ResolutionEvents(Version, new PreloadedEventSource(events));
        var set = events.ToDictionary(e => e.EventId);
        return ReverseTopologicalPowerOrdering.Sort(events, set, source).Select(e => e.EventId[1..]).ToArray();
    }

    [Fact]
    public void Among_equals_the_smallest_event_id_comes_first_once_its_auth_events_are_placed()
    {
        // l → o, m → n and o, n → o, p → o; all from one sender at one time.
        var sorted = Sort(
            Event("l", Alice, 0, "o"), Event("m", Alice, 0, "n", "o"), Event("n", Alice, 0, "o"),
            Event("o", Alice, 0), Event("p", Alice, 0, "o"));

        Assert.Equal(["o", "l", "n", "m", "p"], sorted);
    }

    [Fact]
    public void An_earlier_timestamp_comes_before_a_smaller_event_id()
    {
        Assert.Equal(["b", "a"], Sort(Event("a", Alice, 2), Event("b", Alice, 1)));
    }

    [Fact]
    public void A_more_powerful_sender_comes_before_an_earlier_timestamp()
    {
        // Both cite power levels giving Bob 50 and leaving Charlie at the default 0.
        var powerLevels = UnsignedPdu.Build(Version, "$pl", "!room:example.com", EventTypes.PowerLevels, Alice, "",
            new JsonObject { ["users"] = new JsonObject { [Bob] = 50 } }, [], [], 1, 0);
        var fromCharlie = Event("c", Charlie, 1, "pl");
        var fromBob = Event("b", Bob, 2, "pl");
        var source = new ResolutionEvents(Version, new PreloadedEventSource([powerLevels, fromCharlie, fromBob]));
        var set = new[] { fromCharlie, fromBob }.ToDictionary(e => e.EventId);

        var sorted = ReverseTopologicalPowerOrdering.Sort(set.Values, set, source);

        Assert.Equal(["$b", "$c"], sorted.Select(e => e.EventId));
    }

    [Fact]
    public void Events_the_source_lacks_are_reported_as_missing()
    {
        var room = RoomDag.WithInitialEvents(Version);
        room.State("T1", EventTypes.Topic, Alice, "", Content.Topic("one"), "START");
        room.State("T2", EventTypes.Topic, Alice, "", Content.Topic("two"), "START");
        var withoutT2 = new PreloadedEventSource(room.Events.Where(e => e.EventId != room.IdOf("T2")));

        var result = StateResolver.Resolve(Version, [room.StateAfter("T1"), room.StateAfter("T2")], withoutT2);

        Assert.False(result.IsComplete);
        Assert.Equal([room.IdOf("T2")], result.MissingEventIds);
        Assert.Equal(room.IdOf("T1"), result.State[new StateKey(EventTypes.Topic, "")]);
    }
}
