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
