using System.Text.Json.Nodes;

namespace Messenger.Federation.Ports;

/// <summary>
/// Reads other servers make of a room's events ("Retrieving events", "Retrieving event authorisation information").
/// The homeserver answers only servers allowed to see the room (in it, and not denied by its server ACL); null means
/// not found or not visible to that origin, which the endpoints answer with 404 / 403. Events the origin may not see by
/// history visibility are served redacted (never left out, so the DAG stays walkable) by <c>/event</c>, <c>/backfill</c>
/// and <c>/get_missing_events</c>.
/// </summary>
public interface IFederationRoomReads
{
    /// <summary>One event as a PDU (redacted if it was redacted), or null.</summary>
    Task<JsonObject?> GetEventAsync(string origin, string eventId, CancellationToken ct);

    /// <summary>The state before <paramref name="eventId"/> and the auth chain of that state, or null.</summary>
    Task<RoomStateAnswer?> StateBeforeAsync(string origin, string roomId, string eventId, CancellationToken ct);

    /// <summary>The full auth chain of an event, or null.</summary>
    Task<IReadOnlyList<JsonObject>?> AuthChainAsync(string origin, string roomId, string eventId, CancellationToken ct);

    /// <summary><c>/backfill</c>: up to <paramref name="limit"/> events from <paramref name="from"/> backwards (those included), or null.</summary>
    Task<IReadOnlyList<JsonObject>?> BackfillAsync(string origin, string roomId, IReadOnlyList<string> from, int limit, CancellationToken ct);

    /// <summary>
    /// <c>/get_missing_events</c>: up to <paramref name="limit"/> ancestors of <paramref name="latest"/> not reaching
    /// <paramref name="earliest"/>, at depth at least <paramref name="minDepth"/>, oldest first; null when not visible.
    /// </summary>
    Task<IReadOnlyList<JsonObject>?> MissingEventsAsync(string origin, string roomId, IReadOnlyList<string> earliest, IReadOnlyList<string> latest, int limit, long minDepth, CancellationToken ct);
}

/// <summary>State PDUs and their auth chain PDUs with their ids (v3+ PDUs do not carry them), for <c>/state</c> and <c>/state_ids</c>.</summary>
public sealed record RoomStateAnswer(IReadOnlyList<string> StateIds, IReadOnlyList<JsonObject> State, IReadOnlyList<string> AuthChainIds, IReadOnlyList<JsonObject> AuthChain);
