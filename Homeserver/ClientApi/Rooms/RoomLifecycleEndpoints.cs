using Messenger.Homeserver.Auth;
using Messenger.Homeserver.Http;
using Messenger.Homeserver.Storage;

namespace Messenger.Homeserver.ClientApi.Rooms;

/// <summary>
/// Routes of a room's life beyond sending: finding it ("Room aliases"), asking in ("Knocking on rooms"), forgetting it
/// ("Leaving rooms") and replacing it ("Room upgrades").
/// </summary>
public static class RoomLifecycleEndpoints
{
    public static void MapRoomLifecycleEndpoints(this IEndpointRouteBuilder client)
    {
        client.MapGet("/directory/room/{roomAlias}", async (string roomAlias, AliasService aliases, CancellationToken ct) =>
            MatrixJson.Ok(await aliases.GetAsync(roomAlias, ct)));

        client.MapPut("/directory/room/{roomAlias}", async (string roomAlias, HttpContext http, Requester requester, AliasService aliases) =>
        {
            var body = await MatrixJson.ReadAsync<SetRoomAliasRequest>(http);
            await aliases.SetAsync(requester, roomAlias, body.RoomId, http.RequestAborted);
            return MatrixJson.Ok(new { });
        });

        client.MapDelete("/directory/room/{roomAlias}", async (string roomAlias, Requester requester, AliasService aliases, CancellationToken ct) =>
        {
            await aliases.DeleteAsync(requester, roomAlias, ct);
            return MatrixJson.Ok(new { });
        });

        client.MapGet("/rooms/{roomId}/aliases", async (string roomId, Requester requester, AliasService aliases, CancellationToken ct) =>
            MatrixJson.Ok(new { aliases = await aliases.LocalAliasesAsync(requester, roomId, ct) }));

        client.MapPost("/knock/{roomIdOrAlias}", async (string roomIdOrAlias, HttpContext http, Requester requester, MembershipService membership) =>
        {
            var body = await MatrixJson.ReadAsync<MembershipRequest>(http, emptyAllowed: true);
            // Servers to knock through on a room this server is not in: "via" (v1.12) and the deprecated "server_name".
            var via = http.Request.Query["via"].Concat(http.Request.Query["server_name"]).OfType<string>().Where(s => s.Length > 0).ToList();
            return MatrixJson.Ok(new { room_id = await membership.KnockAsync(requester, roomIdOrAlias, body.Reason, http.RequestAborted, via) });
        }).RequireRateLimiting(RateLimits.Message);

        client.MapPost("/rooms/{roomId}/forget", async (string roomId, Requester requester, RoomForgetting forgetting, CancellationToken ct) =>
        {
            await forgetting.ForgetAsync(requester, roomId, ct);
            return MatrixJson.Ok(new { });
        });

        client.MapPost("/rooms/{roomId}/upgrade", async (string roomId, HttpContext http, Requester requester, RoomUpgradeService upgrades) =>
        {
            var body = await MatrixJson.ReadAsync<UpgradeRoomRequest>(http);
            return MatrixJson.Ok(new { replacement_room = await upgrades.UpgradeAsync(requester, roomId, body, http.RequestAborted) });
        }).RequireRateLimiting(RateLimits.Message);
    }

    /// <summary>The services behind these routes.</summary>
    public static IServiceCollection AddRoomLifecycle(this IServiceCollection services)
    {
        services.AddScoped<RoomDirectoryStore>();
        services.AddScoped<ForgottenRoomStore>();
        services.AddScoped<AliasService>();
        services.AddScoped<CanonicalAliasValidator>();
        services.AddScoped<JoinAuthoriser>();
        services.AddScoped<RoomForgetting>();
        services.AddScoped<RoomUpgradeService>();
        return services;
    }
}
