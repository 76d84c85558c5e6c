using System.Text.Json.Nodes;
using Messenger.Federation.Http;
using Messenger.Federation.Ports;
using Messenger.Federation.Protocol.Identifiers;
using Messenger.Federation.XMatrix;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Messenger.Federation.Endpoints;

/// <summary>Devices and end-to-end keys of local users for other servers ("Device Management", "End-to-End Encryption").</summary>
public static class UserKeysEndpoints
{
    public static void MapUserKeysEndpoints(this RouteGroupBuilder federation)
    {
        federation.MapGet("/v1/user/devices/{userId}", DevicesAsync);
        federation.MapPost("/v1/user/keys/query", QueryAsync);
        federation.MapPost("/v1/user/keys/claim", ClaimAsync);
    }

    /// <summary>GET /_matrix/federation/v1/user/devices/{userId}: a local user's devices with keys and display names.</summary>
    private static async Task<IResult> DevicesAsync(string userId, FederationRequest request, IUserKeysDirectory keys, FederationOptions options, HttpContext context)
    {
        RequireLocal(userId, options);
        var answer = await keys.DevicesAsync(userId, context.RequestAborted) ?? throw FederationError.NotFound("Unknown user");
        return Results.Json(answer);
    }

    /// <summary>POST /_matrix/federation/v1/user/keys/query: device and cross-signing keys of local users; others are left out.</summary>
    private static async Task<IResult> QueryAsync(FederationRequest request, IUserKeysDirectory keys, FederationOptions options, HttpContext context)
    {
        var wanted = request.Body["device_keys"] as JsonObject ?? throw FederationError.BadJson("device_keys must be an object");
        return Results.Json(await keys.QueryKeysAsync(LocalOnly(wanted, options), context.RequestAborted));
    }

    /// <summary>POST /_matrix/federation/v1/user/keys/claim: one one-time (or fallback) key per asked device of local users.</summary>
    private static async Task<IResult> ClaimAsync(FederationRequest request, IUserKeysDirectory keys, FederationOptions options, HttpContext context)
    {
        var wanted = request.Body["one_time_keys"] as JsonObject ?? throw FederationError.BadJson("one_time_keys must be an object");
        return Results.Json(await keys.ClaimKeysAsync(LocalOnly(wanted, options), context.RequestAborted));
    }

    private static JsonObject LocalOnly(JsonObject byUser, FederationOptions options)
    {
        var local = new JsonObject();
        foreach (var (user, value) in byUser)
        {
            if (UserId.TryParse(user, out var id) && id.ServerName.Value == options.ServerName) local[user] = value?.DeepClone();
        }
        return local;
    }

    private static void RequireLocal(string userId, FederationOptions options)
    {
        if (!UserId.TryParse(userId, out var id)) throw FederationError.InvalidParam("userId is not a valid user ID");
        if (id.ServerName.Value != options.ServerName) throw FederationError.InvalidParam("userId is not a user of this server");
    }
}
