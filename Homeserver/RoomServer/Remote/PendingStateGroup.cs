using System.Collections.Immutable;
using Messenger.Federation.Protocol.Events;

namespace Messenger.Homeserver.RoomServer.Remote;

/// <summary>
/// A state group worked out in memory and persisted with its batch: a delta on <see cref="PrevGroup"/> (a null event id
/// removes a key, as a state resolution may) or, when <see cref="PrevGroup"/> is null, the full state.
/// </summary>
public sealed record PendingStateGroup(long Id, long? PrevGroup, int ChainLength, IReadOnlyList<KeyValuePair<StateKey, string?>> Entries, ImmutableDictionary<StateKey, string> State)
{
    /// <summary>Delta chains are cut at this length, as for local events, so reading any state costs a bounded number of rows.</summary>
    public const int MaxChainLength = 50;

    /// <summary>
    /// The group for <paramref name="state"/> built on <paramref name="parent"/> (id 0: none). A full snapshot when
    /// there is no parent, the chain is long, or the delta would be larger than half the state.
    /// </summary>
    public static PendingStateGroup Plan(long id, long parent, int parentChainLength, ImmutableDictionary<StateKey, string> parentState, ImmutableDictionary<StateKey, string> state)
    {
        if (parent != 0 && parentChainLength < MaxChainLength)
        {
            var delta = new List<KeyValuePair<StateKey, string?>>();
            foreach (var (key, eventId) in state)
            {
                if (!parentState.TryGetValue(key, out var old) || old != eventId) delta.Add(new(key, eventId));
            }
            foreach (var key in parentState.Keys)
            {
                if (!state.ContainsKey(key)) delta.Add(new(key, null));
            }
            if (delta.Count <= Math.Max(8, state.Count / 2)) return new PendingStateGroup(id, parent, parentChainLength + 1, delta, state);
        }
        return new PendingStateGroup(id, null, 0, [.. state.Select(kv => new KeyValuePair<StateKey, string?>(kv.Key, kv.Value))], state);
    }
}
