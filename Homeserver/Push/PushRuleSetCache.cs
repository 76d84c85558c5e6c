using System.Collections.Concurrent;
using Messenger.Homeserver.RoomServer;
using Messenger.Homeserver.Storage.Rows;

namespace Messenger.Homeserver.Push;

/// <summary>
/// Users' rulesets as push rule evaluation last read them, so that a new event in a room reads no push rules from the
/// database for members whose rules did not change. An entry is used only while
/// <see cref="StreamChanges.PushRules"/> says the user's rules cannot have changed since it was read (a change is noted
/// there before it commits), so a change takes effect from the next event on, as it did when every event read them.
/// </summary>
public sealed class PushRuleSetCache(StreamChanges changes, StreamPositions positions)
{
    private readonly ConcurrentDictionary<string, (PushRuleSet Set, long ReadAt)> sets = new(StringComparer.Ordinal);

    /// <summary>The rulesets of <paramref name="userIds"/>, reading the rows of those not known (or changed) with <paramref name="load"/>.</summary>
    public async Task<Dictionary<string, PushRuleSet>> GetAsync(IReadOnlyCollection<string> userIds,
        Func<IReadOnlyCollection<string>, CancellationToken, Task<Dictionary<string, List<PushRuleRow>>>> load, CancellationToken ct)
    {
        var result = new Dictionary<string, PushRuleSet>(userIds.Count, StringComparer.Ordinal);
        var missing = new List<string>();
        foreach (var userId in userIds)
        {
            if (sets.TryGetValue(userId, out var known) && !changes.PushRules.MayHaveChanged(userId, known.ReadAt)) result[userId] = known.Set;
            else missing.Add(userId);
        }
        if (missing.Count == 0) return result;

        // Every change at or below this position committed before the read below; any later one is noted as a change.
        var readAt = positions.Current;
        var rows = await load(missing, ct);
        foreach (var userId in missing)
        {
            var set = PushRuleRows.ToRuleSet(userId, rows.GetValueOrDefault(userId) ?? []);
            // Shared between concurrent evaluations from now on: build every lazily parsed JSON node before that.
            foreach (var rule in set.Rules) _ = rule.ToJson().ToJsonString();
            sets[userId] = (set, readAt);
            result[userId] = set;
        }
        return result;
    }
}
