namespace Messenger.Federation.Protocol.StateResolution;

/// <summary>
/// Rooms v12 "Conflicted state subgraph" (MSC4297): every event on an <c>auth_events</c> path from one conflicted
/// event to another, endpoints included. An event is on such a path exactly when it is an ancestor of some
/// conflicted event and a descendant of some (other or the same) conflicted event. Found by walking the ancestors of
/// the conflicted set, then walking forward from the conflicted events through those ancestors only.
/// </summary>
internal static class ConflictedSubgraph
{
    public static HashSet<string> Compute(IReadOnlyCollection<string> conflicted, ResolutionEvents events)
    {
        // Backwards: the conflicted events and all their ancestors, remembering each edge the other way round.
        var reached = new HashSet<string>(conflicted, StringComparer.Ordinal);
        var children = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var pending = new Stack<string>(conflicted);
        while (pending.TryPop(out var id))
        {
            if (events.Get(id) is not { } pdu) continue;
            foreach (var authId in events.AuthEdges(pdu))
            {
                if (!children.TryGetValue(authId, out var list)) children[authId] = list = [];
                list.Add(id);
                if (reached.Add(authId)) pending.Push(authId);
            }
        }

        // Forwards: from each conflicted event towards the events it (transitively) authorises.
        var subgraph = new HashSet<string>(conflicted, StringComparer.Ordinal);
        foreach (var id in conflicted) pending.Push(id);
        while (pending.TryPop(out var id))
        {
            if (!children.TryGetValue(id, out var list)) continue;
            foreach (var child in list)
            {
                if (subgraph.Add(child)) pending.Push(child);
            }
        }
        return subgraph;
    }
}
