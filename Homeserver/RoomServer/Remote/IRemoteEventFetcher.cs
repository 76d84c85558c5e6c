using System.Text.Json.Nodes;

namespace Messenger.Homeserver.RoomServer.Remote;

/// <summary>
/// Fetches events a received event needs but this server lacks, from the server that sent it ("Backfilling and
/// retrieving missing events", "Retrieving event authorisation information"). Failures answer nothing: the event then
/// stays unjudged and the sender retries. Without federation there is nobody to ask (<see cref="NoRemoteEventFetcher"/>).
/// </summary>
public interface IRemoteEventFetcher
{
    /// <summary><c>POST /get_missing_events</c>: events between our extremities and <paramref name="latest"/>, oldest first.</summary>
    Task<IReadOnlyList<JsonObject>> MissingEventsAsync(string destination, string roomId, IReadOnlyList<string> earliest, IReadOnlyList<string> latest, int limit, long minDepth, CancellationToken ct);

    /// <summary><c>GET /event_auth</c>: the full auth chain of an event.</summary>
    Task<IReadOnlyList<JsonObject>> AuthChainAsync(string destination, string roomId, string eventId, CancellationToken ct);

    /// <summary><c>GET /backfill</c>: up to <paramref name="limit"/> events from <paramref name="from"/> backwards.</summary>
    Task<IReadOnlyList<JsonObject>> BackfillAsync(string destination, string roomId, IReadOnlyList<string> from, int limit, CancellationToken ct);

    /// <summary><c>GET /state_ids</c>: the state before an event and its auth chain, as ids; null when not answered.</summary>
    Task<RemoteStateIds?> StateIdsAsync(string destination, string roomId, string eventId, CancellationToken ct);

    /// <summary><c>GET /event</c> for each id: the events the server returned (unknown ones are left out).</summary>
    Task<IReadOnlyList<JsonObject>> EventsAsync(string destination, IReadOnlyList<string> eventIds, CancellationToken ct);
}

/// <summary>The fetcher when no federation is wired.</summary>
public sealed class NoRemoteEventFetcher : IRemoteEventFetcher
{
    public Task<IReadOnlyList<JsonObject>> MissingEventsAsync(string destination, string roomId, IReadOnlyList<string> earliest, IReadOnlyList<string> latest, int limit, long minDepth, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<JsonObject>>([]);

    public Task<IReadOnlyList<JsonObject>> AuthChainAsync(string destination, string roomId, string eventId, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<JsonObject>>([]);

    public Task<IReadOnlyList<JsonObject>> BackfillAsync(string destination, string roomId, IReadOnlyList<string> from, int limit, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<JsonObject>>([]);

    public Task<RemoteStateIds?> StateIdsAsync(string destination, string roomId, string eventId, CancellationToken ct) => Task.FromResult<RemoteStateIds?>(null);

    public Task<IReadOnlyList<JsonObject>> EventsAsync(string destination, IReadOnlyList<string> eventIds, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<JsonObject>>([]);
}
