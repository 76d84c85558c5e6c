using Messenger.Homeserver.Auth;
using Messenger.Homeserver.Http;

namespace Messenger.Homeserver.ClientApi.Receipts;

/// <summary>Routes of "Receipts" and "Fully read markers".</summary>
public static class ReceiptsEndpoints
{
    public static void MapReceiptsEndpoints(this IEndpointRouteBuilder client)
    {
        client.MapPost("/rooms/{roomId}/receipt/{receiptType}/{eventId}", async (string roomId, string receiptType, string eventId, HttpContext http,
            Requester requester, ReadMarkersService service) =>
        {
            // matrix-js-sdk and older clients post no body at all for an unthreaded receipt.
            var body = await MatrixJson.ReadObjectAsync(http, emptyAllowed: true);
            await service.ReceiptAsync(requester, roomId, receiptType, eventId, body, http.RequestAborted);
            return MatrixJson.Ok(new { });
        });

        client.MapPost("/rooms/{roomId}/read_markers", async (string roomId, HttpContext http, Requester requester, ReadMarkersService service) =>
        {
            await service.ReadMarkersAsync(requester, roomId, await MatrixJson.ReadObjectAsync(http, emptyAllowed: true), http.RequestAborted);
            return MatrixJson.Ok(new { });
        });
    }
}
