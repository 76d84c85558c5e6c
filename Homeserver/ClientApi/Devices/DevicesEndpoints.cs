using System.Text.Json.Nodes;
using Messenger.Homeserver.Auth;
using Messenger.Homeserver.Errors;
using Messenger.Homeserver.Http;

namespace Messenger.Homeserver.ClientApi.Devices;

/// <summary>Routes of the "Device management" module.</summary>
public static class DevicesEndpoints
{
    public static void MapDevicesEndpoints(this IEndpointRouteBuilder client)
    {
        client.MapGet("/devices", async (Requester requester, DeviceService service, CancellationToken ct) =>
            MatrixJson.Ok(new { devices = await service.ListAsync(requester, ct) }));

        client.MapGet("/devices/{deviceId}", async (string deviceId, Requester requester, DeviceService service, CancellationToken ct) =>
            MatrixJson.Ok(await service.GetAsync(requester, deviceId, ct)));

        client.MapPut("/devices/{deviceId}", async (string deviceId, Requester requester, DeviceService service, HttpContext http) =>
        {
            await service.RenameAsync(requester, deviceId, await MatrixJson.ReadObjectAsync(http), http.RequestAborted);
            return MatrixJson.Ok(new { });
        });

        client.MapDelete("/devices/{deviceId}", async (string deviceId, Requester requester, DeviceService service, HttpContext http) =>
        {
            await service.DeleteAsync(requester, [deviceId], await MatrixJson.ReadObjectAsync(http, emptyAllowed: true), http.RequestAborted);
            return MatrixJson.Ok(new { });
        });

        client.MapPost("/delete_devices", async (Requester requester, DeviceService service, HttpContext http) =>
        {
            var body = await MatrixJson.ReadObjectAsync(http);
            var ids = body["devices"] switch
            {
                JsonArray array when array.All(n => n is JsonValue v && v.TryGetValue(out string? _)) =>
                    array.Select(n => (string)n!).ToList(),
                null => throw MatrixError.MissingParam("devices"),
                _ => throw MatrixError.BadJson("devices must be a list of device ids"),
            };
            await service.DeleteAsync(requester, ids, body, http.RequestAborted);
            return MatrixJson.Ok(new { });
        });
    }
}
