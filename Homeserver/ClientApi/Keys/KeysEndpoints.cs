using Messenger.Homeserver.Auth;
using Messenger.Homeserver.ClientApi.Sync;
using Messenger.Homeserver.ClientApi.ToDevice;
using Messenger.Homeserver.Errors;
using Messenger.Homeserver.Http;

namespace Messenger.Homeserver.ClientApi.Keys;

/// <summary>Routes of the "End-to-End Encryption" module (keys, cross-signing, key backup) and of send-to-device.</summary>
public static class KeysEndpoints
{
    public static void MapKeysEndpoints(this IEndpointRouteBuilder client)
    {
        client.MapPost("/keys/upload", async (Requester requester, KeyUploadService service, HttpContext http) =>
            MatrixJson.Ok(await service.UploadAsync(requester, await MatrixJson.ReadObjectAsync(http), http.RequestAborted)));

        client.MapPost("/keys/query", async (Requester requester, KeyQueryService service, HttpContext http) =>
            MatrixJson.Ok(await service.QueryAsync(requester, await MatrixJson.ReadObjectAsync(http), http.RequestAborted)));

        client.MapPost("/keys/claim", async (Requester requester, KeyClaimService service, HttpContext http) =>
            MatrixJson.Ok(await service.ClaimAsync(await MatrixJson.ReadObjectAsync(http), http.RequestAborted)));

        client.MapGet("/keys/changes", async (string? from, string? to, Requester requester, DeviceListDeltas deltas, HttpContext http) =>
        {
            var after = Position(from, "from");
            var upTo = Position(to, "to");
            var delta = await deltas.BetweenAsync(requester.UserId, after, upTo, http.RequestAborted);
            return MatrixJson.Ok(new { changed = delta.Changed, left = delta.Left });
        });

        client.MapPost("/keys/device_signing/upload", async (Requester requester, CrossSigningService service, HttpContext http) =>
        {
            await service.UploadAsync(requester, await MatrixJson.ReadObjectAsync(http), http.RequestAborted);
            return MatrixJson.Ok(new { });
        });

        client.MapPost("/keys/signatures/upload", async (Requester requester, SignatureUploadService service, HttpContext http) =>
            MatrixJson.Ok(await service.UploadAsync(requester, await MatrixJson.ReadObjectAsync(http), http.RequestAborted)));

        client.MapToDeviceEndpoints();
        client.MapRoomKeysEndpoints();
    }

    /// <summary>The event stream position of a sync token (<c>from</c>/<c>to</c> of <c>/keys/changes</c>).</summary>
    private static long Position(string? token, string name)
    {
        if (token is null) throw MatrixError.MissingParam(name);
        return SyncToken.TryParse(token, out var parsed) ? parsed.Events : throw MatrixError.InvalidParam($"{name} is not a sync token");
    }
}
