using System.Text.Json.Nodes;
using Messenger.Federation.Http;
using Messenger.Federation.Ports;
using Messenger.Federation.Protocol.Identifiers;
using Messenger.Federation.XMatrix;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Messenger.Federation.Endpoints;

/// <summary>Federation queries ("Querying for information"): single request/response look-ups by other servers.</summary>
public static class QueryEndpoints
{
    /// <summary>Maps the queries on an authenticated group from <see cref="FederationEndpoints.MapFederationApi"/>.</summary>
    public static void MapQueryEndpoints(this RouteGroupBuilder federation)
    {
        federation.MapGet("/v1/query/profile", QueryProfileAsync);
        federation.MapGet("/v1/query/directory", QueryDirectoryAsync);
    }

    /// <summary>
    /// GET /_matrix/federation/v1/query/directory?room_alias=: <c>{room_id, servers}</c> for one of our aliases. Only the
    /// alias's own server is to be asked, so another server's alias, like an unknown one, is 404 <c>M_NOT_FOUND</c>.
    /// </summary>
    private static async Task<IResult> QueryDirectoryAsync(FederationRequest request, HttpContext context, IRoomAliasDirectory aliases, FederationOptions options)
    {
        var alias = context.Request.Query["room_alias"].FirstOrDefault() ?? throw FederationError.MissingParam("room_alias");
        if (!RoomAlias.TryParse(alias, out var parsed)) throw FederationError.InvalidParam("room_alias is not a valid room alias");
        if (parsed.ServerName.Value != options.ServerName) throw FederationError.NotFound("Room alias not found");
        var found = await aliases.ResolveAsync(alias, context.RequestAborted) ?? throw FederationError.NotFound("Room alias not found");
        return Results.Json(new JsonObject
        {
            ["room_id"] = found.RoomId,
            ["servers"] = new JsonArray([.. found.Servers.Select(s => (JsonNode?)s)]),
        });
    }

    /// <summary>
    /// GET /_matrix/federation/v1/query/profile?user_id=&amp;field=: a local user's public profile, only the asked
    /// field when <c>field</c> is given (absent when unset). A user of another server is a bad request; an unknown
    /// user 404 <c>M_NOT_FOUND</c>.
    /// </summary>
    private static async Task<IResult> QueryProfileAsync(FederationRequest request, HttpContext context, IProfileDirectory profiles, FederationOptions options)
    {
        var userId = context.Request.Query["user_id"].FirstOrDefault() ?? throw FederationError.MissingParam("user_id");
        if (!UserId.TryParse(userId, out var user)) throw FederationError.InvalidParam("user_id is not a valid user ID");
        if (user.ServerName.Value != options.ServerName) throw FederationError.InvalidParam("user_id is not a user of this server");
        var profile = await profiles.GetProfileAsync(userId, context.RequestAborted) ?? throw FederationError.NotFound("Profile was not found");

        var field = context.Request.Query["field"].FirstOrDefault();
        if (field is null) return Results.Json(profile);
        var only = new JsonObject();
        if (profile[field] is { } value) only[field] = value.DeepClone();
        return Results.Json(only);
    }
}
