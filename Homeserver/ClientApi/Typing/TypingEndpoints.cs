using Messenger.Homeserver.Auth;
using Messenger.Homeserver.Http;

namespace Messenger.Homeserver.ClientApi.Typing;

/// <summary>Routes of "Typing Notifications".</summary>
public static class TypingEndpoints
{
    public static void MapTypingEndpoints(this IEndpointRouteBuilder client)
    {
        client.MapPut("/rooms/{roomId}/typing/{userId}", async (string roomId, string userId, HttpContext http, Requester requester, TypingService service) =>
        {
            await service.SetAsync(requester, roomId, userId, await MatrixJson.ReadObjectAsync(http), http.RequestAborted);
            return MatrixJson.Ok(new { });
        });
    }
}
