using Messenger.Federation.Protocol.Events;

namespace Messenger.Federation.Protocol.StateResolution;

/// <summary>The state sets divided into the unconflicted state map and the conflicted events.</summary>
internal sealed class SplitState
{
    private SplitState(int setCount)
    {
        ConflictedPerSet = Enumerable.Range(0, setCount).Select(_ => new List<string>()).ToList();
    }

    public Dictionary<StateKey, string> Unconflicted { get; } = [];

    /// <summary>The conflicted state set: every event of a conflicted key.</summary>
    public HashSet<string> ConflictedEventIds { get; } = new(StringComparer.Ordinal);

    /// <summary>The distinct events of each conflicted key (v1 resolves key by key).</summary>
    public Dictionary<StateKey, List<string>> ConflictedByKey { get; } = [];

    /// <summary>For each state set, its events under conflicted keys (the starts of its part of the auth difference).</summary>
    public List<List<string>> ConflictedPerSet { get; }

    /// <summary>
    /// Rooms v2 "Unconflicted state map and conflicted state set": a key is unconflicted only when every state set
    /// has it, with the same event; a key missing from some set is conflicted.
    /// </summary>
    public static SplitState ForV2(IReadOnlyList<IReadOnlyDictionary<StateKey, string>> stateSets) => Split(stateSets, missingConflicts: true);

    /// <summary>
    /// Rooms v1: a conflict is two state sets holding different events for a key; a key only some sets have is not
    /// a conflict ("the union of the states to be resolved, excluding any conflicting events").
    /// </summary>
    public static SplitState ForV1(IReadOnlyList<IReadOnlyDictionary<StateKey, string>> stateSets) => Split(stateSets, missingConflicts: false);

    private static SplitState Split(IReadOnlyList<IReadOnlyDictionary<StateKey, string>> stateSets, bool missingConflicts)
    {
        var split = new SplitState(stateSets.Count);
        var seen = new HashSet<StateKey>();
        var values = new List<string>(stateSets.Count);
        for (var i = 0; i < stateSets.Count; i++)
        {
            foreach (var key in stateSets[i].Keys)
            {
                if (!seen.Add(key)) continue;
                values.Clear();
                var missing = false;
                foreach (var set in stateSets)
                {
                    if (!set.TryGetValue(key, out var id)) missing = true;
                    else if (!values.Contains(id)) values.Add(id);
                }
                if (values.Count == 1 && !(missing && missingConflicts))
                {
                    split.Unconflicted[key] = values[0];
                    continue;
                }
                split.ConflictedByKey[key] = [.. values];
                split.ConflictedEventIds.UnionWith(values);
                for (var s = 0; s < stateSets.Count; s++)
                {
                    if (stateSets[s].TryGetValue(key, out var id)) split.ConflictedPerSet[s].Add(id);
                }
            }
        }
        return split;
    }
}
