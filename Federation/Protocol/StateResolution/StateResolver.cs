using Messenger.Federation.Protocol.Events;
using Messenger.Federation.Protocol.RoomVersions;

namespace Messenger.Federation.Protocol.StateResolution;

/// <summary>
/// Resolves the room state before an event from the states after its <c>prev_events</c> (rooms v1/v2/v12
/// "State resolution"), with the algorithm the room version names: v1, v2 (versions 2–11) or v2.1 (version 12).
/// Pure and synchronous: the caller supplies the events of the state sets and of their auth chains.
/// The result does not depend on the order of the state sets, of their entries, or of the events supplied.
/// </summary>
public static class StateResolver
{
    public static StateResolutionResult Resolve(
        RoomVersion roomVersion,
        IReadOnlyList<IReadOnlyDictionary<StateKey, string>> stateSets,
        IStateResolutionEventSource events)
    {
        var resolution = new ResolutionEvents(roomVersion, events);
        var state = stateSets.Count switch
        {
            0 => [],
            1 => new Dictionary<StateKey, string>(stateSets[0]),
            _ => roomVersion.StateResolution switch
            {
                StateResolutionAlgorithm.V1 => StateResolutionV1.Resolve(stateSets, resolution),
                _ => StateResolutionV2.Resolve(stateSets, resolution),
            },
        };
        return new StateResolutionResult(state, resolution.Missing.ToArray());
    }
}
