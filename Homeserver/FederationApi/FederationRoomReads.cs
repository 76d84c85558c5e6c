using System.Text.Json.Nodes;
using Messenger.Federation.Ports;
using Messenger.Federation.Protocol.Events;
using Messenger.Federation.Protocol.RoomVersions;
using Messenger.Homeserver.Storage;
using Messenger.Homeserver.Storage.Rows;

namespace Messenger.Homeserver.FederationApi;

/// <summary>
/// Events, state and auth chains for other servers ("Retrieving events"), from the room server's storage. Rejected
/// events are never served; soft-failed ones are ("Soft failure": returned by <c>/event</c>). Redacted events are
/// served redacted, and so are events of <c>/event</c>, <c>/backfill</c> and <c>/get_missing_events</c> the requesting
/// server may not see by history visibility (<see cref="ServerVisibilityFilter"/>).
/// </summary>
public sealed class FederationRoomReads(RoomStore rooms, FederationRoomAccess access, RoomDagWalker walker, ServerVisibilityFilter visibility) : IFederationRoomReads
{
    public async Task<JsonObject?> GetEventAsync(string origin, string eventId, CancellationToken ct)
    {
        var row = await rooms.EventRowAsync(eventId, ct);
        if (row is null || row.Kind == EventKind.Rejected) return null;
        var snapshot = await access.ReadableRoomAsync(origin, row.RoomId, ct);
        if (snapshot is null) return null;
        var hidden = await visibility.RedactedForAsync(origin, row.RoomId, [row], ct);
        return Pdu(row, snapshot.Version, hidden.Contains(row.EventId));
    }

    public async Task<RoomStateAnswer?> StateBeforeAsync(string origin, string roomId, string eventId, CancellationToken ct)
    {
        var snapshot = await access.ReadableRoomAsync(origin, roomId, ct);
        var row = snapshot is null ? null : await rooms.EventRowAsync(eventId, ct);
        if (row is null || row.RoomId != roomId || row.Kind is EventKind.Rejected or EventKind.Outlier) return null;
        var stateIds = (await rooms.StateGroupAsync(row.StateGroupBefore, ct)).Values.ToList();
        var (stateRows, chainRows) = await StateAndChainAsync(stateIds, ct);
        return new RoomStateAnswer(
            [.. stateRows.Select(r => r.EventId)], [.. stateRows.Select(r => Pdu(r, snapshot!.Version))],
            [.. chainRows.Select(r => r.EventId)], [.. chainRows.Select(r => Pdu(r, snapshot!.Version))]);
    }

    public async Task<IReadOnlyList<JsonObject>?> AuthChainAsync(string origin, string roomId, string eventId, CancellationToken ct)
    {
        var snapshot = await access.ReadableRoomAsync(origin, roomId, ct);
        var row = snapshot is null ? null : await rooms.EventRowAsync(eventId, ct);
        if (row is null || row.RoomId != roomId || row.Kind == EventKind.Rejected) return null;
        var chain = await rooms.StoredEventsAsync(await rooms.AuthChainIdsAsync([eventId], ct), ct);
        return [.. chain.Select(r => Pdu(r, snapshot!.Version))];
    }

    public async Task<IReadOnlyList<JsonObject>?> BackfillAsync(string origin, string roomId, IReadOnlyList<string> from, int limit, CancellationToken ct)
    {
        var snapshot = await access.ReadableRoomAsync(origin, roomId, ct);
        if (snapshot is null) return null;
        var rows = await walker.WalkAsync(roomId, from, includeStarts: true, new HashSet<string>(), Math.Clamp(limit, 0, 100), 0, ct);
        var hidden = await visibility.RedactedForAsync(origin, roomId, rows, ct);
        return [.. rows.Select(r => Pdu(r, snapshot.Version, hidden.Contains(r.EventId)))];
    }

    public async Task<IReadOnlyList<JsonObject>?> MissingEventsAsync(string origin, string roomId, IReadOnlyList<string> earliest, IReadOnlyList<string> latest, int limit, long minDepth, CancellationToken ct)
    {
        var snapshot = await access.ReadableRoomAsync(origin, roomId, ct);
        if (snapshot is null) return null;
        var rows = await walker.WalkAsync(roomId, latest, includeStarts: false, earliest.ToHashSet(StringComparer.Ordinal), Math.Clamp(limit, 0, 100), minDepth, ct);
        var hidden = await visibility.RedactedForAsync(origin, roomId, rows, ct);
        return [.. rows.OrderBy(r => r.Depth).ThenBy(r => r.StreamOrdering).Select(r => Pdu(r, snapshot.Version, hidden.Contains(r.EventId)))];
    }

    /// <summary>The rows of a state and of its whole auth chain (state events excluded from the chain list).</summary>
    public async Task<(List<EventRow> State, List<EventRow> AuthChain)> StateAndChainAsync(IReadOnlyCollection<string> stateIds, CancellationToken ct)
    {
        var state = await rooms.StoredEventsAsync(stateIds, ct);
        var chainIds = await rooms.AuthChainIdsAsync(stateIds, ct);
        var chain = await rooms.StoredEventsAsync(chainIds, ct);
        return (state, chain);
    }

    /// <summary>
    /// A stored event as a PDU: its JSON as signed, redacted when a redaction applied to it or when
    /// <paramref name="hidden"/> (the requesting server may not see it).
    /// </summary>
    public static JsonObject Pdu(EventRow row, RoomVersion version, bool hidden = false)
    {
        var json = (JsonObject)JsonNode.Parse(row.Json)!;
        return row.RedactedBy is null && !hidden ? json : Redactor.Redact(json, version);
    }
}
