using Messenger.Federation.Protocol.Events;

namespace Messenger.Federation.Protocol.StateResolution;

/// <summary>
/// Rooms v2 "Mainline ordering" based on a power levels event P: the mainline is P and the chain of power levels
/// events each cites in its auth events. An event's mainline position is the index in the mainline of the first
/// power levels event met when following the power levels of its auth events (infinite when none is met).
/// Events sort by greater position first (older power levels), then smaller <c>origin_server_ts</c>, then event id.
/// </summary>
internal static class MainlineOrdering
{
    private const int NotOnMainline = int.MaxValue;

    public static List<Pdu> Sort(List<Pdu> toSort, string? powerLevelsEventId, ResolutionEvents events)
    {
        if (toSort.Count == 0) return toSort;

        var mainline = new Dictionary<string, int>(StringComparer.Ordinal);
        var current = powerLevelsEventId is null ? null : events.Get(powerLevelsEventId);
        for (var index = 0; current is not null && mainline.TryAdd(current.EventId, index); index++)
        {
            current = events.PowerLevelsAuthEventOf(current);
        }

        // Positions of power levels events off the mainline, shared by the many events citing them.
        var known = new Dictionary<string, int>(StringComparer.Ordinal);
        var keyed = new List<(int Position, Pdu Event)>(toSort.Count);
        foreach (var pdu in toSort) keyed.Add((PositionOf(pdu, mainline, known, events), pdu));

        keyed.Sort(static (x, y) =>
        {
            var byPosition = y.Position.CompareTo(x.Position); // the older mainline event first
            if (byPosition != 0) return byPosition;
            var byTs = x.Event.OriginServerTs.CompareTo(y.Event.OriginServerTs);
            return byTs != 0 ? byTs : string.CompareOrdinal(x.Event.EventId, y.Event.EventId);
        });
        return keyed.ConvertAll(static k => k.Event);
    }

    private static int PositionOf(Pdu pdu, Dictionary<string, int> mainline, Dictionary<string, int> known, ResolutionEvents events)
    {
        // e₁, e₂, …: the power levels events reached from the event (the event itself is not considered).
        var walked = new List<string>();
        var position = NotOnMainline;
        for (var step = events.PowerLevelsAuthEventOf(pdu); step is not null; step = events.PowerLevelsAuthEventOf(step))
        {
            if (mainline.TryGetValue(step.EventId, out position) || known.TryGetValue(step.EventId, out position)) break;
            if (walked.Contains(step.EventId)) { position = NotOnMainline; break; } // a cycle: never on the mainline
            walked.Add(step.EventId);
            position = NotOnMainline;
        }
        foreach (var id in walked) known[id] = position;
        return position;
    }
}
