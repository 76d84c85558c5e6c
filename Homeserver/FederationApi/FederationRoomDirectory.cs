using System.Globalization;
using System.Text.Json.Nodes;
using Messenger.Federation.Client;
using Messenger.Homeserver.ClientApi.Directories;

namespace Messenger.Homeserver.FederationApi;

/// <summary>
/// <c>/publicRooms?server=other</c> over federation ("Published Room Directory"): a plain page is asked with
/// <c>GET /_matrix/federation/v1/publicRooms</c>, a filtered one with <c>POST</c>, as Synapse does. The answer is kept
/// only when it has the <c>public_rooms_response</c> shape (a <c>chunk</c> of rooms with ids), and only its spec keys
/// are passed on; anything else, or no answer, is null (the client gets 502).
/// </summary>
public sealed class FederationRoomDirectory(IFederationClient federation) : IRemoteRoomDirectory
{
    /// <summary>A client waits for this: one attempt, bounded.</summary>
    private static readonly FederationCallOptions Call = new(MaxRetries: 0, Timeout: TimeSpan.FromSeconds(20));

    public async Task<JsonObject?> QueryAsync(string serverName, PublicRoomsQuery query, CancellationToken ct)
    {
        JsonObject response;
        try
        {
            if (query.Filter is null)
            {
                var parameters = new List<string>();
                if (query.Limit is { } limit) parameters.Add("limit=" + limit.ToString(CultureInfo.InvariantCulture));
                if (query.Since is { } since) parameters.Add("since=" + Uri.EscapeDataString(since));
                if (query.IncludeAllNetworks == true) parameters.Add("include_all_networks=true");
                if (query.ThirdPartyInstanceId is { } network) parameters.Add("third_party_instance_id=" + Uri.EscapeDataString(network));
                var path = "/_matrix/federation/v1/publicRooms" + (parameters.Count == 0 ? "" : "?" + string.Join('&', parameters));
                response = await federation.GetJsonAsync(serverName, path, ct, Call);
            }
            else
            {
                response = await federation.PostJsonAsync(serverName, "/_matrix/federation/v1/publicRooms", Body(query), ct, Call);
            }
        }
        catch (FederationRequestException)
        {
            return null;
        }
        return Sanitized(response);
    }

    private static JsonObject Body(PublicRoomsQuery query)
    {
        var body = new JsonObject();
        if (query.Limit is { } limit) body["limit"] = limit;
        if (query.Since is { } since) body["since"] = since;
        var filter = new JsonObject();
        if (query.Filter!.GenericSearchTerm is { } term) filter["generic_search_term"] = term;
        if (query.Filter.RoomTypes is { } types) filter["room_types"] = new JsonArray([.. types.Select(t => t is null ? null : JsonValue.Create(t))]);
        body["filter"] = filter;
        if (query.IncludeAllNetworks is { } all) body["include_all_networks"] = all;
        if (query.ThirdPartyInstanceId is { } network) body["third_party_instance_id"] = network;
        return body;
    }

    private static JsonObject? Sanitized(JsonObject response)
    {
        if (response["chunk"] is not JsonArray chunk) return null;
        var rooms = chunk.OfType<JsonObject>().Where(r => r["room_id"] is JsonValue id && id.TryGetValue(out string? _)).ToList();
        if (rooms.Count != chunk.Count) return null;
        var result = new JsonObject { ["chunk"] = new JsonArray([.. rooms.Select(r => r.DeepClone())]) };
        foreach (var key in new[] { "next_batch", "prev_batch" })
        {
            if (response[key] is JsonValue v && v.TryGetValue(out string? token)) result[key] = token;
        }
        if (response["total_room_count_estimate"] is JsonValue e && e.TryGetValue(out long estimate)) result["total_room_count_estimate"] = estimate;
        return result;
    }
}
