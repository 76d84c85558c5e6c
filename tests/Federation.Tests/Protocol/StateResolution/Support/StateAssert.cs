using Messenger.Federation.Protocol.Events;
using Xunit;

namespace Messenger.Federation.Tests.Protocol.StateResolution.Support;

/// <summary>Assertions on resolved state, in the scenarios' terms (event names, not ids).</summary>
internal static class StateAssert
{
    /// <summary>
    /// The state after <paramref name="end"/>, limited to the keys of <paramref name="expectedNames"/> and to keys
    /// that changed since <paramref name="start"/>, is exactly those events.
    /// </summary>
    public static void ChangedTo(RoomDag room, string start, string end, params string[] expectedNames)
    {
        var expected = expectedNames.ToDictionary(n => room[n].StateTuple!.Value, room.IdOf);
        var before = room.StateAfter(start);
        var actual = room.StateAfter(end)
            .Where(kv => expected.ContainsKey(kv.Key) || before.GetValueOrDefault(kv.Key) != kv.Value)
            .ToDictionary();
        Assert.Equal(Describe(room, expected), Describe(room, actual));
    }

    /// <summary>A readable, ordered rendering so a failure shows which key went wrong.</summary>
    public static string Describe(RoomDag room, IReadOnlyDictionary<StateKey, string> state) =>
        string.Join("\n", state.OrderBy(kv => kv.Key.Type, StringComparer.Ordinal).ThenBy(kv => kv.Key.Key, StringComparer.Ordinal)
            .Select(kv => $"{kv.Key} = {NameOf(room, kv.Value)}"));

    private static string NameOf(RoomDag room, string eventId) => room.IdOf(Strip(eventId)) == eventId ? Strip(eventId) : eventId;

    private static string Strip(string eventId)
    {
        var name = eventId[1..];
        var colon = name.IndexOf(':');
        return colon < 0 ? name : name[..colon];
    }
}
