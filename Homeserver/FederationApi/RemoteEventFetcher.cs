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

    private static List<JsonObject> Objects(JsonNode? node) => node is JsonArray array ? [.. array.OfType<JsonObject>().Select(o => o.DeepClone().AsObject())] : [];
}
