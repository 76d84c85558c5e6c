using System.Text.Json.Nodes;
using Messenger.Federation.Client;
using Messenger.Homeserver.RoomServer.Remote;

namespace Messenger.Homeserver.FederationApi;

/// <summary>The room server's fetcher of missing events over the federation client; an unreachable or refusing server yields nothing.</summary>
public sealed class RemoteEventFetcher(IFederationClient client) : IRemoteEventFetcher
{
    public async Task<IReadOnlyList<JsonObject>> MissingEventsAsync(string destination, string roomId, IReadOnlyList<string> earliest, IReadOnlyList<string> latest, int limit, long minDepth, CancellationToken ct)
    {
        var body = new JsonObject
        {
            ["earliest_events"] = new JsonArray([.. earliest.Select(id => (JsonNode)id)]),
            ["latest_events"] = new JsonArray([.. latest.Select(id => (JsonNode)id)]),
            ["limit"] = limit,
            ["min_depth"] = minDepth,
        };
        try
        {
            var answer = await client.PostJsonAsync(destination, $"/_matrix/federation/v1/get_missing_events/{Uri.EscapeDataString(roomId)}", body, ct, FederationCallOptions.NoRetry);
            return Objects(answer["events"]);
        }
        catch (FederationRequestException)
        {
            return [];
        }
    }

    public async Task<IReadOnlyList<JsonObject>> AuthChainAsync(string destination, string roomId, string eventId, CancellationToken ct)
    {
        try
        {
            var answer = await client.GetJsonAsync(destination, $"/_matrix/federation/v1/event_auth/{Uri.EscapeDataString(roomId)}/{Uri.EscapeDataString(eventId)}", ct, FederationCallOptions.NoRetry);
            return Objects(answer["auth_chain"]);
        }
        catch (FederationRequestException)
        {
            return [];
        }
    }

    public async Task<IReadOnlyList<JsonObject>> BackfillAsync(string destination, string roomId, IReadOnlyList<string> from, int limit, CancellationToken ct)
    {
        var query = string.Join("&", from.Select(id => "v=" + Uri.EscapeDataString(id))) + "&limit=" + limit;
        try
        {
            var answer = await client.GetJsonAsync(destination, $"/_matrix/federation/v1/backfill/{Uri.EscapeDataString(roomId)}?{query}", ct, FederationCallOptions.NoRetry);
            return Objects(answer["pdus"]);
        }
        catch (FederationRequestException)
        {
            return [];
        }
    }

    public async Task<RemoteStateIds?> StateIdsAsync(string destination, string roomId, string eventId, CancellationToken ct)
    {
        try
        {
            var answer = await client.GetJsonAsync(destination,
                $"/_matrix/federation/v1/state_ids/{Uri.EscapeDataString(roomId)}?event_id={Uri.EscapeDataString(eventId)}", ct, FederationCallOptions.NoRetry);
            if (answer["pdu_ids"] is not JsonArray state || answer["auth_chain_ids"] is not JsonArray chain) return null;
            return new RemoteStateIds(Strings(state), Strings(chain));
        }
        catch (FederationRequestException)
        {
            return null;
        }
    }

    public async Task<IReadOnlyList<JsonObject>> EventsAsync(string destination, IReadOnlyList<string> eventIds, CancellationToken ct)
    {
        var found = new List<JsonObject>(eventIds.Count);
        foreach (var eventId in eventIds)
        {
            try
            {
                var answer = await client.GetJsonAsync(destination, "/_matrix/federation/v1/event/" + Uri.EscapeDataString(eventId), ct, FederationCallOptions.NoRetry);
                found.AddRange(Objects(answer["pdus"]).Take(1));
            }
            catch (FederationRequestException)
            {
                // Left out: the caller judges with what it got.
            }
        }
        return found;
    }

    private static List<string> Strings(JsonArray array) => [.. array.OfType<JsonValue>().Select(v => v.TryGetValue(out string? s) ? s : null).OfType<string>()];

    private static List<JsonObject> Objects(JsonNode? node) => node is JsonArray array ? [.. array.OfType<JsonObject>().Select(o => o.DeepClone().AsObject())] : [];
}
