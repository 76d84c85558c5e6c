using Messenger.Federation.Protocol.Events;

namespace Messenger.Federation.Protocol.StateResolution;

/// <summary>
/// The resolved room state, and the ids of events the resolution needed but the event source did not have.
/// With missing events the resolution is still computed (without them, as Synapse does), but it may differ from
/// other servers' answer: a caller that can fetch them should do so and resolve again.
/// </summary>
public sealed record StateResolutionResult(
    IReadOnlyDictionary<StateKey, string> State,
    IReadOnlyCollection<string> MissingEventIds)
{
    public bool IsComplete => MissingEventIds.Count == 0;
}
