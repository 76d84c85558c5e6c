using Messenger.Federation.Protocol.Events;
using Messenger.Federation.Protocol.RoomVersions;

namespace Messenger.Federation.Protocol.StateResolution;

/// <summary>
/// The event source as one resolution sees it: lookups that remember which ids were missing, and the auth edges of
/// each event. From room version 12 the create event is not listed in <c>auth_events</c> (its id is the room id),
/// yet it still authorises every event, so it is added as an implicit auth edge, as Synapse does; that keeps auth
/// chains, the senders' power (creators) and the iterative auth checks the same as in earlier versions.
/// </summary>
internal sealed class ResolutionEvents
{
    private readonly IStateResolutionEventSource source;
    private readonly HashSet<string> missing = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IReadOnlyList<string>>? edgesWithCreate;
    private string? lastRoomId;
    private string? lastCreateId;

    public ResolutionEvents(RoomVersion version, IStateResolutionEventSource source)
    {
        Version = version;
        this.source = source;
        if (version.RoomIdFromCreateEvent) edgesWithCreate = new(StringComparer.Ordinal);
    }

    public RoomVersion Version { get; }

    public IReadOnlyCollection<string> Missing => missing;

    public Pdu? Get(string eventId)
    {
        var pdu = source.Get(eventId);
        if (pdu is null) missing.Add(eventId);
        return pdu;
    }

    public bool IsRejected(string eventId) => source.IsRejected(eventId);

    /// <summary>The ids of the events that authorise <paramref name="pdu"/>: its <c>auth_events</c>, plus the create event from v12.</summary>
    public IReadOnlyList<string> AuthEdges(Pdu pdu)
    {
        if (edgesWithCreate is null || IsCreate(pdu)) return pdu.AuthEventIds;
        if (edgesWithCreate.TryGetValue(pdu.EventId, out var cached)) return cached;
        var createId = CreateEventIdOf(pdu);
        IReadOnlyList<string> edges = pdu.AuthEventIds.Contains(createId) ? pdu.AuthEventIds : [.. pdu.AuthEventIds, createId];
        edgesWithCreate[pdu.EventId] = edges;
        return edges;
    }

    /// <summary>The first <c>m.room.power_levels</c> event among the auth events of <paramref name="pdu"/>, if any.</summary>
    public Pdu? PowerLevelsAuthEventOf(Pdu pdu)
    {
        foreach (var id in AuthEdges(pdu))
        {
            if (Get(id) is { Type: EventTypes.PowerLevels, StateKey: "" } pl) return pl;
        }
        return null;
    }

    public static bool IsCreate(Pdu pdu) => pdu is { Type: EventTypes.Create, StateKey: "" };

    /// <summary>Rooms v12: the room id is the create event's id with the sigil <c>!</c> instead of <c>$</c>.</summary>
    private string CreateEventIdOf(Pdu pdu)
    {
        if (lastRoomId != pdu.RoomId)
        {
            lastRoomId = pdu.RoomId;
            lastCreateId = pdu.RoomId.Length > 0 ? "$" + pdu.RoomId[1..] : "";
        }
        return lastCreateId!;
    }
}
