using Messenger.Homeserver.Auth;
using Messenger.Homeserver.Http;

namespace Messenger.Homeserver.ClientApi.Profile;

/// <summary>
/// Routes of "Profiles". Reading needs no access token (the spec names no security for it); the <c>{keyName}</c> routes
/// also serve the older <c>/displayname</c> and <c>/avatar_url</c> paths.
/// </summary>
public static class ProfileEndpoints
{
    public static void MapProfileEndpoints(this IEndpointRouteBuilder client)
    {
        client.MapGet("/profile/{userId}", async (string userId, ProfileService service, CancellationToken ct) =>
            MatrixJson.Ok(await service.ProfileAsync(userId, ct)));

        client.MapGet("/profile/{userId}/{keyName}", async (string userId, string keyName, ProfileService service, CancellationToken ct) =>
            MatrixJson.Ok(await service.FieldAsync(userId, keyName, ct)));

        client.MapPut("/profile/{userId}/{keyName}", async (string userId, string keyName, HttpContext http, Requester requester, ProfileService service) =>
        {
            await service.SetFieldAsync(requester, userId, keyName, await MatrixJson.ReadObjectAsync(http), http.RequestAborted);
            return MatrixJson.Ok(new { });
        }).RequireRateLimiting(RateLimits.Message);

        client.MapDelete("/profile/{userId}/{keyName}", async (string userId, string keyName, Requester requester, ProfileService service, CancellationToken ct) =>
        {
            await service.DeleteFieldAsync(requester, userId, keyName, ct);
            return MatrixJson.Ok(new { });
        }).RequireRateLimiting(RateLimits.Message);
    }
}
