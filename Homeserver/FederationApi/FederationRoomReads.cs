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
/// served redacted.
/// </summary>
public sealed class FederationRoomReads(RoomStore rooms, FederationRoomAccess access, RoomDagWalker walker) : IFederationRoomReads
{
    public async Task<JsonObject?> GetEventAsync(string origin, string eventId, CancellationToken ct)
    {
        var row = await rooms.EventRowAsync(eventId, ct);
        if (row is null || row.Kind == EventKind.Rejected) return null;
        var snapshot = await access.ReadableRoomAsync(origin, row.RoomId, ct);
        return snapshot is null ? null : Pdu(row, snapshot.Version);
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
        return [.. rows.Select(r => Pdu(r, snapshot.Version))];
    }

    public async Task<IReadOnlyList<JsonObject>?> MissingEventsAsync(string origin, string roomId, IReadOnlyList<string> earliest, IReadOnlyList<string> latest, int limit, long minDepth, CancellationToken ct)
    {
        var snapshot = await access.ReadableRoomAsync(origin, roomId, ct);
        if (snapshot is null) return null;
        var rows = await walker.WalkAsync(roomId, latest, includeStarts: false, earliest.ToHashSet(StringComparer.Ordinal), Math.Clamp(limit, 0, 100), minDepth, ct);
        return [.. rows.OrderBy(r => r.Depth).ThenBy(r => r.StreamOrdering).Select(r => Pdu(r, snapshot.Version))];
    }

    /// <summary>The rows of a state and of its whole auth chain (state events excluded from the chain list).</summary>
    public async Task<(List<EventRow> State, List<EventRow> AuthChain)> StateAndChainAsync(IReadOnlyCollection<string> stateIds, CancellationToken ct)
    {
        var state = await rooms.StoredEventsAsync(stateIds, ct);
        var chainIds = await rooms.AuthChainIdsAsync(stateIds, ct);
        var chain = await rooms.StoredEventsAsync(chainIds, ct);
        return (state, chain);
    }

    /// <summary>A stored event as a PDU: its JSON as signed, redacted when a redaction applied to it.</summary>
    public static JsonObject Pdu(EventRow row, RoomVersion version)
    {
        var json = (JsonObject)JsonNode.Parse(row.Json)!;
        return row.RedactedBy is null ? json : Redactor.Redact(json, version);
    }
}
