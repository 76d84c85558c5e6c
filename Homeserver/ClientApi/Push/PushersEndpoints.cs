using System.Text.Json.Nodes;
using Messenger.Homeserver.Auth;
using Messenger.Homeserver.Http;

namespace Messenger.Homeserver.ClientApi.Push;

/// <summary>Routes of pushers and notifications ("Client behaviour", "Listing Notifications").</summary>
public static class PushersEndpoints
{
    public static void MapPushersEndpoints(this IEndpointRouteBuilder client)
    {
        client.MapGet("/pushers", async (Requester requester, PushersService service, HttpContext http) =>
            MatrixJson.Ok(new JsonObject { ["pushers"] = await service.ListAsync(requester.UserId, http.RequestAborted) }));

        client.MapPost("/pushers/set", async (Requester requester, PushersService service, HttpContext http) =>
        {
            await service.SetAsync(requester, await MatrixJson.ReadObjectAsync(http), http.RequestAborted);
            return MatrixJson.Ok(new { });
        });

        client.MapGet("/notifications", async (string? from, string? limit, string? only, Requester requester, NotificationsService service, HttpContext http) =>
            MatrixJson.Ok(await service.ListAsync(requester.UserId, from, ParseLimit(limit), only, http.RequestAborted)));
    }

    private static int? ParseLimit(string? limit) =>
        limit is null ? null : int.TryParse(limit, out var n) ? n : throw Errors.MatrixError.InvalidParam("limit must be an integer");
}
