using System.Globalization;
using System.Text.Json.Nodes;
using Messenger.Federation.Http;
using Messenger.Federation.Ports;
using Messenger.Federation.Protocol.Identifiers;
using Messenger.Federation.XMatrix;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Messenger.Federation.Endpoints;

/// <summary>"Published Room Directory" and "Spaces" of the server-server API: what other servers may list of ours.</summary>
public static class RoomDirectoryEndpoints
{
    /// <summary>Maps the routes on an authenticated group from <see cref="FederationEndpoints.MapFederationApi"/>.</summary>
    public static void MapRoomDirectoryEndpoints(this RouteGroupBuilder federation)
    {
        federation.MapGet("/v1/publicRooms", GetPublicRoomsAsync);
        federation.MapPost("/v1/publicRooms", PostPublicRoomsAsync);
        federation.MapGet("/v1/hierarchy/{roomId}", HierarchyAsync);
    }

    /// <summary>
    /// GET /_matrix/federation/v1/publicRooms?limit=&amp;since=&amp;include_all_networks=&amp;third_party_instance_id=:
    /// this server's published rooms only (limit 0 or absent: no limit beyond the server's page cap).
    /// </summary>
    private static async Task<IResult> GetPublicRoomsAsync(FederationRequest request, HttpContext context, IFederationDirectory directory)
    {
        var query = context.Request.Query;
        var limitText = query["limit"].ToString();
        int? limit = limitText.Length == 0 ? null
            : int.TryParse(limitText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) ? l
            : throw FederationError.InvalidParam("limit must be an integer");
        var allNetworks = query["include_all_networks"].ToString() switch
        {
            "" or "false" => false,
            "true" => true,
            _ => throw FederationError.InvalidParam("include_all_networks must be true or false"),
        };
        var since = query["since"].ToString();
        var network = query["third_party_instance_id"].ToString();
        return Results.Json(await directory.PublicRoomsAsync(Checked(new FederationPublicRoomsQuery(limit, since.Length == 0 ? null : since,
            null, null, allNetworks, network.Length == 0 ? null : network)), context.RequestAborted));
    }

    /// <summary>POST /_matrix/federation/v1/publicRooms: the same with a <c>filter</c>; the body is required (<c>{}</c> for defaults).</summary>
    private static async Task<IResult> PostPublicRoomsAsync(FederationRequest request, HttpContext context, IFederationDirectory directory)
    {
        var body = request.Body;
        var filter = body["filter"] switch
        {
            null => null,
            JsonObject f => f,
            _ => throw FederationError.BadJson("filter must be an object"),
        };
        var roomTypes = filter?["room_types"] switch
        {
            null => null,
            JsonArray types => types.Select(t => t switch
            {
                null => null,
                JsonValue v when v.TryGetValue(out string? s) => s,
                _ => throw FederationError.BadJson("room_types must hold strings or null"),
            }).ToList(),
            _ => throw FederationError.BadJson("room_types must be an array"),
        };
        var query = new FederationPublicRoomsQuery(
            Integer(body["limit"], "limit"), Text(body["since"], "since"), Text(filter?["generic_search_term"], "generic_search_term"),
            roomTypes, Boolean(body["include_all_networks"], "include_all_networks") ?? false, Text(body["third_party_instance_id"], "third_party_instance_id"));
        return Results.Json(await directory.PublicRoomsAsync(Checked(query), context.RequestAborted));
    }

    /// <summary>
    /// GET /_matrix/federation/v1/hierarchy/{roomId}?suggested_only=: the space and its children as the requesting
    /// server may see them, unpaginated; 404 <c>M_NOT_FOUND</c> for a room unknown here or one it could not peek or join.
    /// </summary>
    private static async Task<IResult> HierarchyAsync(string roomId, FederationRequest request, HttpContext context, IFederationDirectory directory)
    {
        if (!RoomId.TryParse(roomId, out _)) throw FederationError.InvalidParam("roomId is not a room ID");
        var suggestedOnly = context.Request.Query["suggested_only"].ToString() switch
        {
            "" or "false" => false,
            "true" => true,
            _ => throw FederationError.InvalidParam("suggested_only must be true or false"),
        };
        return Results.Json(await directory.HierarchyAsync(request.Origin, roomId, suggestedOnly, context.RequestAborted)
            ?? throw FederationError.NotFound("Room does not exist."));
    }

    private static FederationPublicRoomsQuery Checked(FederationPublicRoomsQuery query)
    {
        if (query.Limit is < 0) throw FederationError.InvalidParam("limit must not be negative");
        if (query.IncludeAllNetworks && query.ThirdPartyInstanceId is not null)
            throw FederationError.InvalidParam("third_party_instance_id can only be used if include_all_networks is false");
        return query with { Limit = query.Limit == 0 ? null : query.Limit };
    }

    private static int? Integer(JsonNode? node, string name) => node switch
    {
        null => null,
        JsonValue v when v.TryGetValue(out int i) => i,
        _ => throw FederationError.BadJson($"{name} must be an integer"),
    };

    private static string? Text(JsonNode? node, string name) => node switch
    {
        null => null,
        JsonValue v when v.TryGetValue(out string? s) => s,
        _ => throw FederationError.BadJson($"{name} must be a string"),
    };

    private static bool? Boolean(JsonNode? node, string name) => node switch
    {
        null => null,
        JsonValue v when v.TryGetValue(out bool b) => b,
        _ => throw FederationError.BadJson($"{name} must be a boolean"),
    };
}
