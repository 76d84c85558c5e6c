using Messenger.Homeserver.Auth;
using Messenger.Homeserver.Http;

namespace Messenger.Homeserver.ClientApi.Keys;

/// <summary>Routes of "Server-side key backups": versions and keys.</summary>
public static class RoomKeysEndpoints
{
    public static void MapRoomKeysEndpoints(this IEndpointRouteBuilder client)
    {
        client.MapPost("/room_keys/version", async (Requester requester, KeyBackupService service, HttpContext http) =>
            MatrixJson.Ok(await service.CreateAsync(requester, await MatrixJson.ReadObjectAsync(http), http.RequestAborted)));
        client.MapGet("/room_keys/version", async (Requester requester, KeyBackupService service, CancellationToken ct) =>
            MatrixJson.Ok(await service.GetAsync(requester, null, ct)));
        client.MapGet("/room_keys/version/{version}", async (string version, Requester requester, KeyBackupService service, CancellationToken ct) =>
            MatrixJson.Ok(await service.GetAsync(requester, version, ct)));
        client.MapPut("/room_keys/version/{version}", async (string version, Requester requester, KeyBackupService service, HttpContext http) =>
        {
            await service.UpdateAsync(requester, version, await MatrixJson.ReadObjectAsync(http), http.RequestAborted);
            return MatrixJson.Ok(new { });
        });
        client.MapDelete("/room_keys/version/{version}", async (string version, Requester requester, KeyBackupService service, CancellationToken ct) =>
        {
            await service.DeleteAsync(requester, version, ct);
            return MatrixJson.Ok(new { });
        });

        client.MapPut("/room_keys/keys", async (string? version, Requester requester, RoomKeysService service, HttpContext http) =>
            MatrixJson.Ok(await service.PutAsync(requester, version, null, null, await MatrixJson.ReadObjectAsync(http), http.RequestAborted)));
        client.MapPut("/room_keys/keys/{roomId}", async (string roomId, string? version, Requester requester, RoomKeysService service, HttpContext http) =>
            MatrixJson.Ok(await service.PutAsync(requester, version, roomId, null, await MatrixJson.ReadObjectAsync(http), http.RequestAborted)));
        client.MapPut("/room_keys/keys/{roomId}/{sessionId}", async (string roomId, string sessionId, string? version, Requester requester, RoomKeysService service, HttpContext http) =>
            MatrixJson.Ok(await service.PutAsync(requester, version, roomId, sessionId, await MatrixJson.ReadObjectAsync(http), http.RequestAborted)));

        client.MapGet("/room_keys/keys", async (string? version, Requester requester, RoomKeysService service, CancellationToken ct) =>
            MatrixJson.Ok(await service.GetAsync(requester, version, null, null, ct)));
        client.MapGet("/room_keys/keys/{roomId}", async (string roomId, string? version, Requester requester, RoomKeysService service, CancellationToken ct) =>
            MatrixJson.Ok(await service.GetAsync(requester, version, roomId, null, ct)));
        client.MapGet("/room_keys/keys/{roomId}/{sessionId}", async (string roomId, string sessionId, string? version, Requester requester, RoomKeysService service, CancellationToken ct) =>
            MatrixJson.Ok(await service.GetAsync(requester, version, roomId, sessionId, ct)));

        client.MapDelete("/room_keys/keys", async (string? version, Requester requester, RoomKeysService service, CancellationToken ct) =>
            MatrixJson.Ok(await service.DeleteAsync(requester, version, null, null, ct)));
        client.MapDelete("/room_keys/keys/{roomId}", async (string roomId, string? version, Requester requester, RoomKeysService service, CancellationToken ct) =>
            MatrixJson.Ok(await service.DeleteAsync(requester, version, roomId, null, ct)));
        client.MapDelete("/room_keys/keys/{roomId}/{sessionId}", async (string roomId, string sessionId, string? version, Requester requester, RoomKeysService service, CancellationToken ct) =>
            MatrixJson.Ok(await service.DeleteAsync(requester, version, roomId, sessionId, ct)));
    }
}
