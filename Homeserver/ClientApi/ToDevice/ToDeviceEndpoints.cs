using Messenger.Homeserver.Auth;
using Messenger.Homeserver.Http;

namespace Messenger.Homeserver.ClientApi.ToDevice;

/// <summary>Routes of the "Send-to-Device messaging" module.</summary>
public static class ToDeviceEndpoints
{
    public static void MapToDeviceEndpoints(this IEndpointRouteBuilder client)
    {
        client.MapPut("/sendToDevice/{eventType}/{txnId}", async (string eventType, string txnId, Requester requester, ToDeviceService service, HttpContext http) =>
        {
            await service.SendAsync(requester, eventType, txnId, await MatrixJson.ReadObjectAsync(http), http.RequestAborted);
            return MatrixJson.Ok(new { });
        });
    }
}
