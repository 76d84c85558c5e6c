using System.Security.Cryptography;
using Messenger.Federation.Protocol.Auth;
using Messenger.Federation.Protocol.Events;

namespace Messenger.Federation.Protocol.StateResolution;

/// <summary>
/// State resolution of room version 1 (rooms v1 "State resolution"). Starting from the union of the state sets
/// without conflicting keys (R), conflicts are resolved in passes: power levels, then join rules, then memberships,
/// each by replaying the events in ascending depth (then descending sha1 of the event id) while the auth rules allow
/// them in R; every other key takes the highest-depth (then lowest sha1) event that passes auth in R.
/// Within one pass each key is resolved against R as the previous pass left it, so the result does not depend on
/// the order of keys (as in Synapse). When no event of an ordinary key passes, the lowest-ranked one is kept, as
/// Synapse does; the spec does not say.
/// </summary>
internal static class StateResolutionV1
{
    public static Dictionary<StateKey, string> Resolve(IReadOnlyList<IReadOnlyDictionary<StateKey, string>> stateSets, ResolutionEvents events)
    {
        var split = SplitState.ForV1(stateSets);
        var conflicts = new Dictionary<StateKey, List<Pdu>>();
        foreach (var (key, ids) in split.ConflictedByKey)
        {
            var available = ids.Select(events.Get).OfType<Pdu>().ToList();
            if (available.Count == 1) split.Unconflicted[key] = available[0].EventId;
            else if (available.Count > 1) conflicts[key] = available;
        }
        if (conflicts.Count == 0) return split.Unconflicted;

        var resolved = new StateOverlay(split.Unconflicted);
        ResolvePass(conflicts, key => key == new StateKey(EventTypes.PowerLevels, ""), ReplayAuthEvents, resolved, events);
        ResolvePass(conflicts, key => key.Type == EventTypes.JoinRules, ReplayAuthEvents, resolved, events);
        ResolvePass(conflicts, key => key.Type == EventTypes.Member, ReplayAuthEvents, resolved, events);
        ResolvePass(conflicts, _ => true, PickOrdinary, resolved, events);

        var result = split.Unconflicted;
        foreach (var (key, id) in resolved.Changes) result[key] = id;
        return result;
    }

    private delegate Pdu Resolution(List<Pdu> candidates, StateOverlay state, ResolutionEvents events);

    private static void ResolvePass(
        Dictionary<StateKey, List<Pdu>> conflicts, Func<StateKey, bool> inPass, Resolution resolve, StateOverlay state, ResolutionEvents events)
    {
        var winners = new List<Pdu>();
        foreach (var (key, candidates) in conflicts)
        {
            if (inPass(key) && !state.Changes.ContainsKey(key)) winners.Add(resolve(candidates, state, events));
        }
        foreach (var winner in winners) state.Set(winner.StateTuple!.Value, winner.EventId);
    }

    /// <summary>Power levels, join rules, members: the first by ascending depth, then each next one while allowed.</summary>
    private static Pdu ReplayAuthEvents(List<Pdu> candidates, StateOverlay state, ResolutionEvents events)
    {
        var ordered = Order(candidates, byDepthAscending: true);
        var scratch = new StateOverlay(state);
        var accepted = ordered[0];
        foreach (var next in ordered.Skip(1))
        {
            scratch.Set(accepted.StateTuple!.Value, accepted.EventId);
            if (!IsAllowed(next, scratch, events)) break;
            accepted = next;
        }
        return accepted;
    }

    /// <summary>Any other key: the highest depth, then lowest sha1, that passes auth.</summary>
    private static Pdu PickOrdinary(List<Pdu> candidates, StateOverlay state, ResolutionEvents events)
    {
        var ordered = Order(candidates, byDepthAscending: false);
        foreach (var candidate in ordered)
        {
            if (IsAllowed(candidate, state, events)) return candidate;
        }
        return ordered[^1];
    }

    private static bool IsAllowed(Pdu pdu, StateOverlay state, ResolutionEvents events)
    {
        var authState = new Dictionary<StateKey, Pdu>();
        foreach (var key in AuthEventSelector.Select(pdu))
        {
            if (state.TryGet(key, out var id) && events.Get(id) is { } authEvent) authState[key] = authEvent;
        }
        return EventAuthorizer.Authorize(pdu, authState).IsAllowed;
    }

    /// <summary>Ascending depth then descending sha1(event_id), or the exact reverse.</summary>
    private static List<Pdu> Order(List<Pdu> candidates, bool byDepthAscending)
    {
        var keyed = candidates.Select(p => (Event: p, Sha1: SHA1.HashData(System.Text.Encoding.UTF8.GetBytes(p.EventId)))).ToList();
        keyed.Sort((x, y) =>
        {
            var byDepth = x.Event.Depth.CompareTo(y.Event.Depth);
            var ascending = byDepth != 0 ? byDepth : y.Sha1.AsSpan().SequenceCompareTo(x.Sha1);
            return byDepthAscending ? ascending : -ascending;
        });
        return keyed.ConvertAll(k => k.Event);
    }
}
