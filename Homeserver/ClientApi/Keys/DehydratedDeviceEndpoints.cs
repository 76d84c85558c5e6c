using Messenger.Homeserver.Auth;
using Messenger.Homeserver.Http;

namespace Messenger.Homeserver.ClientApi.Keys;

/// <summary>Routes of MSC3814 (dehydrated devices), under its unstable prefix as Element and matrix-js-sdk call them.</summary>
public static class DehydratedDeviceEndpoints
{
    public const string Prefix = "/_matrix/client/unstable/org.matrix.msc3814.v1";

    public static void MapDehydratedDeviceEndpoints(this IEndpointRouteBuilder unstable)
    {
        unstable.MapPut("/dehydrated_device", async (Requester requester, DehydratedDeviceService service, HttpContext http) =>
            MatrixJson.Ok(await service.PutAsync(requester, await MatrixJson.ReadObjectAsync(http), http.RequestAborted)));
        unstable.MapGet("/dehydrated_device", async (Requester requester, DehydratedDeviceService service, CancellationToken ct) =>
            MatrixJson.Ok(await service.GetAsync(requester, ct)));
        unstable.MapDelete("/dehydrated_device", async (Requester requester, DehydratedDeviceService service, CancellationToken ct) =>
            MatrixJson.Ok(await service.DeleteAsync(requester, ct)));
        unstable.MapPost("/dehydrated_device/{deviceId}/events", async (string deviceId, Requester requester, DehydratedDeviceService service, HttpContext http) =>
            MatrixJson.Ok(await service.EventsAsync(requester, deviceId, await MatrixJson.ReadObjectAsync(http), http.RequestAborted)));
    }
}
