using Messenger.Federation.Protocol.Events;

namespace Messenger.Federation.Protocol.StateResolution;

/// <summary>An <see cref="IStateResolutionEventSource"/> over events already in memory, keyed by event id.</summary>
public sealed class PreloadedEventSource : IStateResolutionEventSource
{
    private readonly Dictionary<string, Pdu> events;
    private readonly HashSet<string> rejected;

    public PreloadedEventSource(IEnumerable<Pdu> events, IEnumerable<string>? rejectedEventIds = null)
    {
        this.events = new Dictionary<string, Pdu>(StringComparer.Ordinal);
        foreach (var pdu in events) this.events[pdu.EventId] = pdu;
        rejected = new HashSet<string>(rejectedEventIds ?? [], StringComparer.Ordinal);
    }

    public Pdu? Get(string eventId) => events.GetValueOrDefault(eventId);

    public bool IsRejected(string eventId) => rejected.Contains(eventId);
}
