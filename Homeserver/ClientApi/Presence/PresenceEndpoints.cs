using Messenger.Homeserver.Auth;
using Messenger.Homeserver.Http;

namespace Messenger.Homeserver.ClientApi.Presence;

/// <summary>Routes of "Presence".</summary>
public static class PresenceEndpoints
{
    public static void MapPresenceEndpoints(this IEndpointRouteBuilder client)
    {
        client.MapGet("/presence/{userId}/status", async (string userId, Requester requester, PresenceService service, CancellationToken ct) =>
            MatrixJson.Ok(await service.StatusAsync(requester, userId, ct)));

        client.MapPut("/presence/{userId}/status", async (string userId, HttpContext http, Requester requester, PresenceService service) =>
        {
            service.SetStatus(requester, userId, await MatrixJson.ReadObjectAsync(http));
            return MatrixJson.Ok(new { });
        });
    }
}
