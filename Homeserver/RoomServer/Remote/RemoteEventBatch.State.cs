using System.Collections.Immutable;
using Messenger.Federation.Protocol.Auth;
using Messenger.Federation.Protocol.Events;
using Messenger.Homeserver.Storage.Rows;

namespace Messenger.Homeserver.RoomServer.Remote;

public sealed partial class RemoteEventBatch
{
    /// <summary>
    /// Step 4: the auth events must all be known (else the event cannot be judged: missing), none rejected, of the shape
    /// the selection rules allow, and must authorise the event; v8+ restricted joins also need the authorising server's
    /// signature. Returns a rejection reason, or what is missing, or neither.
    /// </summary>
    private (string? Rejection, string? Missing) CheckAuthEvents(Pdu pdu, bool authorisingSignatureValid)
    {
        var authEvents = new List<Pdu>(pdu.AuthEventIds.Count);
        List<string>? missing = null;
        foreach (var id in pdu.AuthEventIds)
        {
            if (!known.TryGetValue(id, out var authEvent))
            {
                (missing ??= []).Add(id);
                continue;
            }
            if (authEvent.Kind == EventKind.Rejected) return ($"auth event {id} was rejected", null);
            authEvents.Add(authEvent.Pdu);
        }
        if (missing is not null) return (null, "auth events unknown: " + string.Join(", ", missing));

        var shape = AuthEventSelector.Check(pdu, authEvents);
        if (!shape.IsAllowed) return (shape.ToString(), null);
        var verdict = EventAuthorizer.Authorize(pdu, AuthEventSelector.ToAuthState(authEvents, CreateEventFor(pdu)));
        if (!verdict.IsAllowed) return ("auth events: " + verdict, null);
        if (!authorisingSignatureValid) return ("not signed by the server of join_authorised_via_users_server", null);
        return (null, null);
    }

    /// <summary>v12: the create event the room id names, which the rules read though auth_events no longer cite it.</summary>
    private Pdu? CreateEventFor(Pdu pdu)
    {
        if (!pdu.RoomVersion.RoomIdFromCreateEvent || pdu.Type == EventTypes.Create || pdu.RoomId.Length < 2) return null;
        return known.GetValueOrDefault("$" + pdu.RoomId[1..])?.Pdu;
    }

    /// <summary>Step 5's state: the state after each prev event, resolved when they differ (a merge of branches).</summary>
    private async Task<(long Group, ImmutableDictionary<StateKey, string> State)> StateBeforeAsync(Pdu pdu, CancellationToken ct)
    {
        if (pdu.PrevEventIds.Count == 0) return (0, ImmutableDictionary<StateKey, string>.Empty);
        var prevSet = pdu.PrevEventIds.ToHashSet(StringComparer.Ordinal);
        if (prevSet.SetEquals(Working.Extremities)) return (Working.StateGroup, Working.State);

        var prevGroups = prevSet.Select(id => known[id].StateGroupAfter).Distinct().ToList();
        if (prevGroups.Count == 1) return (prevGroups[0], await StateOfGroupAsync(prevGroups[0], ct));
        return await ResolveGroupsAsync(prevGroups, ct);
    }

    /// <summary>Resolves the states of several groups and stores the result as a new group (a delta on the first).</summary>
    private async Task<(long Group, ImmutableDictionary<StateKey, string> State)> ResolveGroupsAsync(IReadOnlyList<long> stateGroups, CancellationToken ct)
    {
        var sets = new List<ImmutableDictionary<StateKey, string>>(stateGroups.Count);
        foreach (var group in stateGroups) sets.Add(await StateOfGroupAsync(group, ct));
        var resolved = await services.Resolver.ResolveAsync(Start.Version, sets, known, ct);
        for (var i = 0; i < sets.Count; i++)
        {
            if (StateEquals(sets[i], resolved)) return (stateGroups[i], sets[i]);
        }
        return (await NewGroupAsync(stateGroups[0], sets[0], resolved, ct), resolved);
    }

    private static bool StateEquals(ImmutableDictionary<StateKey, string> a, ImmutableDictionary<StateKey, string> b) =>
        ReferenceEquals(a, b) || (a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var v) && v == kv.Value));

    private async Task<ImmutableDictionary<StateKey, string>> StateOfGroupAsync(long group, CancellationToken ct)
    {
        if (group == Working.StateGroup) return Working.State;
        if (groupStates.TryGetValue(group, out var state)) return state;
        state = await services.Rooms.StateGroupAsync(group, ct);
        groupStates[group] = state;
        return state;
    }

    /// <summary>A new state group for <paramref name="state"/>, planned as a delta on <paramref name="parent"/>; its id is a fresh stream position.</summary>
    private async Task<long> NewGroupAsync(long parent, ImmutableDictionary<StateKey, string> parentState, ImmutableDictionary<StateKey, string> state, CancellationToken ct)
    {
        var id = services.Positions.Allocate();
        services.Positions.Finish(id);
        var chainLength = parent == 0 ? 0
            : pendingChainLengths.TryGetValue(parent, out var pending) ? pending
            : await services.Rooms.ChainLengthAsync(parent, ct);
        var group = PendingStateGroup.Plan(id, parent, chainLength, parentState, state);
        groups.Add(group);
        groupStates[id] = state;
        pendingChainLengths[id] = group.ChainLength;
        return id;
    }

    /// <summary>Authorises against a full state: reads only the keys the auth event selection names (and the create event).</summary>
    private async Task<AuthResult> AuthorizeAgainstAsync(Pdu pdu, ImmutableDictionary<StateKey, string> state, CancellationToken ct)
    {
        var keys = AuthEventSelector.Select(pdu).Append(new StateKey(EventTypes.Create, ""));
        var ids = keys.Select(state.GetValueOrDefault).OfType<string>().Distinct().ToList();
        var unknown = ids.Where(id => !known.ContainsKey(id)).ToList();
        if (unknown.Count > 0)
        {
            foreach (var (id, stored) in await services.Loader.LoadAsync(unknown, Start.Version, ct)) known[id] = stored;
        }
        var authState = new Dictionary<StateKey, Pdu>();
        foreach (var id in ids)
        {
            if (known.TryGetValue(id, out var e) && e.Pdu.StateTuple is { } key) authState[key] = e.Pdu;
        }
        return EventAuthorizer.Authorize(pdu, authState);
    }

    /// <summary>
    /// Moves the forward extremities past an accepted event (unless a stored event already cites it: it arrived late)
    /// and sets the current state: the event's state when it is the only extremity, else the resolution of all of them.
    /// </summary>
    private async Task AdvanceAsync(Pdu pdu, long afterGroup, ImmutableDictionary<StateKey, string> afterState, CancellationToken ct)
    {
        var extremities = Working.Extremities.Where(id => !pdu.PrevEventIds.Contains(id)).ToList();
        if (!referencedLater.Contains(pdu.EventId)) extremities.Add(pdu.EventId);
        if (extremities.SequenceEqual(Working.Extremities)) return;

        var maxDepth = extremities.Contains(pdu.EventId) ? Math.Max(Working.MaxDepth, pdu.Depth) : Working.MaxDepth;
        if (extremities.Count == 1 && extremities[0] == pdu.EventId)
        {
            Working = Working with { State = afterState, StateGroup = afterGroup, Extremities = [pdu.EventId], MaxDepth = maxDepth };
            return;
        }
        var extremityGroups = extremities.Select(id => known.TryGetValue(id, out var e) ? e.StateGroupAfter : -1).ToList();
        if (extremityGroups.Contains(-1))
        {
            // An extremity this batch never loaded (an old open branch): read it now.
            var missing = extremities.Where(id => !known.ContainsKey(id)).ToList();
            foreach (var (id, stored) in await services.Loader.LoadAsync(missing, Start.Version, ct)) known[id] = stored;
            extremityGroups = extremities.Select(id => known.TryGetValue(id, out var e) ? e.StateGroupAfter : Working.StateGroup).ToList();
        }
        var (group, state) = await ResolveGroupsAsync(extremityGroups.Distinct().ToList(), ct);
        Working = Working with { State = state, StateGroup = group, Extremities = [.. extremities], MaxDepth = maxDepth };
    }

    /// <summary>
    /// The target a live redaction takes effect on, if any: a known event of the timeline (or history), allowed by
    /// <see cref="RedactionRule"/> under the state before the redaction.
    /// </summary>
    private string? RedactionTargetOf(Pdu pdu, ImmutableDictionary<StateKey, string> stateBefore)
    {
        if (pdu.Redacts is not { } target || known.GetValueOrDefault(target) is not { } targetEvent) return null;
        if (targetEvent.Kind is not (EventKind.Timeline or EventKind.SoftFailed or EventKind.Backfilled)) return null;
        var powerLevels = stateBefore.GetValueOrDefault(new StateKey(EventTypes.PowerLevels, "")) is { } pl ? known.GetValueOrDefault(pl)?.Pdu : null;
        var create = stateBefore.GetValueOrDefault(new StateKey(EventTypes.Create, "")) is { } c ? known.GetValueOrDefault(c)?.Pdu : null;
        return RedactionRule.Applies(pdu, targetEvent.Pdu.Sender, new PowerLevels(powerLevels, create, pdu.RoomVersion)) ? target : null;
    }
}
