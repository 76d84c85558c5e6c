using Messenger.Federation.Protocol.Auth;
using Messenger.Federation.Protocol.Events;

namespace Messenger.Federation.Protocol.StateResolution;

/// <summary>
/// The sender's power level "when looking at their respective auth_events" (rooms v2 "Reverse topological power
/// ordering"): read from the <c>m.room.power_levels</c> and <c>m.room.create</c> among the event's auth events with
/// the auth rules' own reader, so v12 creators rank above every level and, without power levels, the creator has 100.
/// </summary>
internal static class SenderPower
{
    public static long Of(Pdu pdu, ResolutionEvents events)
    {
        Pdu? powerLevels = null;
        Pdu? create = null;
        foreach (var id in events.AuthEdges(pdu))
        {
            var authEvent = events.Get(id);
            if (authEvent is { Type: EventTypes.PowerLevels, StateKey: "" }) powerLevels ??= authEvent;
            else if (authEvent is { Type: EventTypes.Create, StateKey: "" }) create ??= authEvent;
        }
        return new PowerLevels(powerLevels, create, events.Version).UserLevel(pdu.Sender);
    }
}
