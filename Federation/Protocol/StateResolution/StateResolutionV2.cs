using Messenger.Federation.Protocol.Events;
using Messenger.Federation.Protocol.RoomVersions;

namespace Messenger.Federation.Protocol.StateResolution;

/// <summary>
/// State resolution v2 (rooms v2 "State resolution", room versions 2–11) and its revision v2.1 (rooms v12, MSC4297),
/// which adds the conflicted state subgraph to the full conflicted set and starts the first iterative auth checks
/// from an empty state instead of the unconflicted state map.
/// </summary>
internal static class StateResolutionV2
{
    private static readonly StateKey PowerLevelsKey = new(EventTypes.PowerLevels, "");

    public static Dictionary<StateKey, string> Resolve(IReadOnlyList<IReadOnlyDictionary<StateKey, string>> stateSets, ResolutionEvents events)
    {
        var split = SplitState.ForV2(stateSets);
        if (split.ConflictedEventIds.Count == 0) return split.Unconflicted;
        var revised = events.Version.StateResolution == StateResolutionAlgorithm.V2_1;

        // The full conflicted set: the conflicted state set, the auth difference, and (v2.1) the conflicted subgraph.
        var fullIds = AuthDifference.Compute(split.Unconflicted.Values, split.ConflictedPerSet, events);
        fullIds.UnionWith(split.ConflictedEventIds);
        if (revised) fullIds.UnionWith(ConflictedSubgraph.Compute(split.ConflictedEventIds, events));
        var full = new Dictionary<string, Pdu>(fullIds.Count, StringComparer.Ordinal);
        foreach (var id in fullIds)
        {
            if (events.Get(id) is { } pdu) full[id] = pdu;
        }

        // 1. The power events and the events of their auth chains in the full conflicted set, in reverse topological power order.
        var powerSorted = ReverseTopologicalPowerOrdering.Sort(full.Values.Where(IsPowerEvent), full, events);

        // 2. Iterative auth checks from the unconflicted state map (v2) or from nothing (v2.1).
        var state = new StateOverlay(revised ? StateOverlay.Empty : split.Unconflicted);
        IterativeAuthChecks.Apply(powerSorted, state, events);

        // 3. The remaining events in mainline order, based on the power levels now resolved.
        var picked = new HashSet<string>(powerSorted.Select(p => p.EventId), StringComparer.Ordinal);
        var remaining = full.Values.Where(p => !picked.Contains(p.EventId)).ToList();
        var powerLevels = state.TryGet(PowerLevelsKey, out var powerLevelsId) ? powerLevelsId : null;
        var mainlineSorted = MainlineOrdering.Sort(remaining, powerLevels, events);

        // 4. Iterative auth checks on top of the partially resolved state.
        IterativeAuthChecks.Apply(mainlineSorted, state, events);

        // 5. The unconflicted state map wins over whatever the checks put under the same key.
        var resolved = split.Unconflicted;
        foreach (var (key, id) in state.Changes) resolved.TryAdd(key, id);
        return resolved;
    }

    /// <summary>
    /// Rooms v2 "Power events": power levels, join rules, and memberships of leave or ban whose sender is not the
    /// target (kicks and bans). The create event counts too, as in Synapse and ruma: it is only ever conflicted when a
    /// state set lacks it, and must then be applied before everything it authorises.
    /// </summary>
    internal static bool IsPowerEvent(Pdu pdu) => pdu switch
    {
        { Type: EventTypes.PowerLevels or EventTypes.JoinRules or EventTypes.Create, StateKey: "" } => true,
        { Type: EventTypes.Member, StateKey: { } target } =>
            target != pdu.Sender && JsonStrings.Of(pdu.Content["membership"]) is "leave" or "ban",
        _ => false,
    };
}
