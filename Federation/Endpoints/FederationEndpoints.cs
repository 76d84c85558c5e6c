using System.Reflection;
using System.Text.Json.Nodes;
using Messenger.Federation.XMatrix;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Messenger.Federation.Endpoints;

/// <summary>
/// Routes of the Server-Server API. <see cref="MapFederationApi"/> is the group every authenticated federation
/// endpoint is mapped on: its filter verifies X-Matrix even for handlers that take no <see cref="FederationRequest"/>.
/// </summary>
public static class FederationEndpoints
{
    public const string Prefix = "/_matrix/federation";

    /// <summary>Maps the transport endpoints: version and the key API.</summary>
    public static void MapFederationTransport(this IEndpointRouteBuilder app)
    {
        // GET /_matrix/federation/v1/version: no authentication ("Server implementation" has no security requirement).
        app.MapGet(Prefix + "/v1/version", () => Results.Json(new JsonObject
        {
            ["server"] = new JsonObject { ["name"] = "Messenger", ["version"] = Version },
        }));
        app.MapKeyEndpoints();
    }

    /// <summary>A group under <c>/_matrix/federation</c> whose endpoints all require X-Matrix authentication.</summary>
    public static RouteGroupBuilder MapFederationApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Prefix);
        group.AddEndpointFilter(async (context, next) =>
        {
            await context.HttpContext.RequestServices.GetRequiredService<XMatrixAuthenticator>().AuthenticateAsync(context.HttpContext);
            return await next(context);
        });
        return group;
    }

    private static string Version =>
        typeof(FederationEndpoints).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.1.0";
}
