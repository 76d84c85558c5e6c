namespace Messenger.Federation.Protocol.StateResolution;

/// <summary>
/// Rooms v2 "Auth difference": the events in some but not all of the state sets' full auth chains (∪Cᵢ − ∩Cᵢ).
/// Walking every chain of a large room would be wasteful, so this uses that every state set holds the unconflicted
/// state: an event in the auth chain of the unconflicted state is in every Cᵢ, and so are all its ancestors. The
/// chain of each set's conflicted events is therefore walked only until it meets that common chain.
/// </summary>
internal static class AuthDifference
{
    /// <param name="unconflictedEventIds">The unconflicted state map's events.</param>
    /// <param name="conflictedPerSet">For each state set, its events for the conflicted keys.</param>
    public static HashSet<string> Compute(
        IEnumerable<string> unconflictedEventIds, IReadOnlyList<List<string>> conflictedPerSet, ResolutionEvents events)
    {
        var common = AuthChain(unconflictedEventIds, stopAt: null, events);

        // How many state sets' chains hold each event outside the common chain.
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var conflicted in conflictedPerSet)
        {
            foreach (var id in AuthChain(conflicted, common, events))
            {
                counts[id] = counts.GetValueOrDefault(id) + 1;
            }
        }

        var difference = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (id, count) in counts)
        {
            if (count < conflictedPerSet.Count) difference.Add(id);
        }
        return difference;
    }

    /// <summary>The union of the auth chains of <paramref name="starts"/> (not the starts themselves), not walking into <paramref name="stopAt"/>.</summary>
    private static HashSet<string> AuthChain(IEnumerable<string> starts, HashSet<string>? stopAt, ResolutionEvents events)
    {
        var chain = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>();
        foreach (var start in starts)
        {
            if (events.Get(start) is not { } pdu) continue;
            foreach (var authId in events.AuthEdges(pdu)) pending.Push(authId);
        }
        while (pending.TryPop(out var id))
        {
            if (stopAt is not null && stopAt.Contains(id)) continue;
            if (!chain.Add(id)) continue;
            if (events.Get(id) is not { } pdu) continue;
            foreach (var authId in events.AuthEdges(pdu))
            {
                if (!chain.Contains(authId)) pending.Push(authId);
            }
        }
        return chain;
    }
}
