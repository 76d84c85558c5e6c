using Messenger.Federation.Protocol.Auth;
using Messenger.Federation.Protocol.Events;

namespace Messenger.Federation.Protocol.StateResolution;

/// <summary>
/// Rooms v2 "Iterative auth checks": apply each event, in order, to the state if the authorisation rules allow it
/// against that state. A key the rules need but the state lacks is taken from the event's own auth events, unless
/// that auth event was rejected; keys present in the state win over the auth events.
/// Events rejected on receipt are checked like any other ("Rejected events"): only as auth events are they skipped.
/// </summary>
internal static class IterativeAuthChecks
{
    public static void Apply(IEnumerable<Pdu> sorted, StateOverlay state, ResolutionEvents events)
    {
        foreach (var pdu in sorted)
        {
            if (pdu.StateTuple is not { } key) continue;
            var authState = new Dictionary<StateKey, Pdu>();
            foreach (var authId in events.AuthEdges(pdu))
            {
                if (events.Get(authId) is { StateTuple: { } authKey } authEvent && !events.IsRejected(authId))
                {
                    authState[authKey] = authEvent;
                }
            }
            foreach (var needed in AuthEventSelector.Select(pdu))
            {
                if (state.TryGet(needed, out var id) && events.Get(id) is { } current && !events.IsRejected(id))
                {
                    authState[needed] = current;
                }
            }
            if (EventAuthorizer.Authorize(pdu, authState).IsAllowed) state.Set(key, pdu.EventId);
        }
    }
}
