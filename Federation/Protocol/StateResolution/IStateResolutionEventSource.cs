using Messenger.Federation.Protocol.Events;

namespace Messenger.Federation.Protocol.StateResolution;

/// <summary>
/// The events state resolution may look at: those in the state sets and everything in their auth chains.
/// State resolution is pure and synchronous, so the caller (the room server) preloads them; an event it
/// cannot supply is left out of the resolution and reported in <see cref="StateResolutionResult.MissingEventIds"/>.
/// </summary>
public interface IStateResolutionEventSource
{
    /// <summary>The event with this id, or null when it is not available.</summary>
    Pdu? Get(string eventId);

    /// <summary>
    /// Whether the event was rejected when it was received. Rooms v2 "Rejected events": such events still take part
    /// when they are in the state sets, but are never used as auth events during the iterative auth checks.
    /// </summary>
    bool IsRejected(string eventId);
}
