using System.Text.Json.Nodes;
using Messenger.Federation.Http;
using Messenger.Federation.Ports;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Messenger.Federation.Endpoints;

/// <summary>"OpenID": a third party (not necessarily a homeserver) exchanges a user's OpenID token for the user's id.</summary>
public static class OpenIdEndpoints
{
    /// <summary>
    /// GET /_matrix/federation/v1/openid/userinfo?access_token=: <c>{sub}</c>. No X-Matrix signature: the spec gives the
    /// endpoint no security, since the caller is usually not a server. Unknown or expired: 401 <c>M_UNKNOWN_TOKEN</c>.
    /// </summary>
    public static void MapOpenIdEndpoints(this IEndpointRouteBuilder app) =>
        app.MapGet(FederationEndpoints.Prefix + "/v1/openid/userinfo", async (HttpContext http, IOpenIdTokens tokens) =>
        {
            var token = http.Request.Query["access_token"].FirstOrDefault() ?? throw FederationError.MissingParam("access_token");
            var userId = await tokens.UserOfAsync(token, http.RequestAborted) ?? throw new FederationException("M_UNKNOWN_TOKEN", "Access token unknown or expired", 401);
            return Results.Json(new JsonObject { ["sub"] = userId });
        });
}
