using Messenger.Federation.Protocol.Events;

namespace Messenger.Federation.Protocol.StateResolution;

/// <summary>
/// Rooms v2 "Reverse topological power ordering", over the power events of the full conflicted set and the events
/// of their auth chains that are in the full conflicted set: Kahn's algorithm on the auth DAG, earliest first,
/// taking at each step the candidate whose sender has the greatest power, then the smallest
/// <c>origin_server_ts</c>, then the smallest event id.
/// The graph follows <c>auth_events</c> edges between events of the full conflicted set, as Synapse and ruma do.
/// </summary>
internal static class ReverseTopologicalPowerOrdering
{
    public static List<Pdu> Sort(IEnumerable<Pdu> powerEvents, IReadOnlyDictionary<string, Pdu> fullConflictedSet, ResolutionEvents events)
    {
        // Each event of the graph with the distinct auth events it has in the graph.
        var authEdges = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var pending = new Stack<Pdu>();
        foreach (var pdu in powerEvents)
        {
            if (authEdges.ContainsKey(pdu.EventId)) continue;
            authEdges[pdu.EventId] = [];
            pending.Push(pdu);
            while (pending.TryPop(out var current))
            {
                var edges = authEdges[current.EventId];
                foreach (var authId in events.AuthEdges(current))
                {
                    if (!fullConflictedSet.TryGetValue(authId, out var authEvent) || edges.Contains(authId)) continue;
                    edges.Add(authId);
                    if (authEdges.TryAdd(authId, [])) pending.Push(authEvent);
                }
            }
        }

        var dependents = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var outstanding = new Dictionary<string, int>(StringComparer.Ordinal);
        var ready = new PriorityQueue<Pdu, PowerKey>(PowerKey.Comparer);
        foreach (var (id, edges) in authEdges)
        {
            outstanding[id] = edges.Count;
            foreach (var authId in edges)
            {
                if (!dependents.TryGetValue(authId, out var list)) dependents[authId] = list = [];
                list.Add(id);
            }
            if (edges.Count == 0) Enqueue(ready, fullConflictedSet[id], events);
        }

        var sorted = new List<Pdu>(authEdges.Count);
        while (ready.TryDequeue(out var next, out _))
        {
            sorted.Add(next);
            if (!dependents.TryGetValue(next.EventId, out var list)) continue;
            foreach (var dependent in list)
            {
                if (--outstanding[dependent] == 0) Enqueue(ready, fullConflictedSet[dependent], events);
            }
        }
        // An auth cycle (impossible between honestly hashed events) leaves its events unsorted: they are dropped.
        return sorted;
    }

    private static void Enqueue(PriorityQueue<Pdu, PowerKey> ready, Pdu pdu, ResolutionEvents events) =>
        ready.Enqueue(pdu, new PowerKey(SenderPower.Of(pdu, events), pdu.OriginServerTs, pdu.EventId));

    private readonly record struct PowerKey(long Power, long OriginServerTs, string EventId)
    {
        public static readonly IComparer<PowerKey> Comparer = Comparer<PowerKey>.Create(static (x, y) =>
        {
            var byPower = y.Power.CompareTo(x.Power); // greater power first
            if (byPower != 0) return byPower;
            var byTs = x.OriginServerTs.CompareTo(y.OriginServerTs);
            return byTs != 0 ? byTs : string.CompareOrdinal(x.EventId, y.EventId);
        });
    }
}
