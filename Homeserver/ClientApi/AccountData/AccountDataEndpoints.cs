using Messenger.Homeserver.Auth;
using Messenger.Homeserver.Http;

namespace Messenger.Homeserver.ClientApi.AccountData;

/// <summary>Routes of "Client Config" and "Room Tagging".</summary>
public static class AccountDataEndpoints
{
    public static void MapAccountDataEndpoints(this IEndpointRouteBuilder client)
    {
        client.MapGet("/user/{userId}/account_data/{type}", async (string userId, string type, Requester requester, AccountDataService service, CancellationToken ct) =>
            MatrixJson.Ok(await service.GetAsync(requester, userId, null, type, ct)));

        client.MapPut("/user/{userId}/account_data/{type}", async (string userId, string type, HttpContext http, Requester requester, AccountDataService service) =>
        {
            await service.SetAsync(requester, userId, null, type, await MatrixJson.ReadObjectAsync(http), http.RequestAborted);
            return MatrixJson.Ok(new { });
        });

        client.MapGet("/user/{userId}/rooms/{roomId}/account_data/{type}", async (string userId, string roomId, string type, Requester requester, AccountDataService service, CancellationToken ct) =>
            MatrixJson.Ok(await service.GetAsync(requester, userId, roomId, type, ct)));

        client.MapPut("/user/{userId}/rooms/{roomId}/account_data/{type}", async (string userId, string roomId, string type, HttpContext http, Requester requester, AccountDataService service) =>
        {
            await service.SetAsync(requester, userId, roomId, type, await MatrixJson.ReadObjectAsync(http), http.RequestAborted);
            return MatrixJson.Ok(new { });
        });

        client.MapGet("/user/{userId}/rooms/{roomId}/tags", async (string userId, string roomId, Requester requester, AccountDataService service, CancellationToken ct) =>
            MatrixJson.Ok(await service.TagsAsync(requester, userId, roomId, ct)));

        client.MapPut("/user/{userId}/rooms/{roomId}/tags/{tag}", async (string userId, string roomId, string tag, HttpContext http, Requester requester, AccountDataService service) =>
        {
            await service.PutTagAsync(requester, userId, roomId, tag, await MatrixJson.ReadObjectAsync(http), http.RequestAborted);
            return MatrixJson.Ok(new { });
        });

        client.MapDelete("/user/{userId}/rooms/{roomId}/tags/{tag}", async (string userId, string roomId, string tag, Requester requester, AccountDataService service, CancellationToken ct) =>
        {
            await service.DeleteTagAsync(requester, userId, roomId, tag, ct);
            return MatrixJson.Ok(new { });
        });
    }
}
