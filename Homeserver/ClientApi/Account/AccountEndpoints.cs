using Messenger.Homeserver.Auth;
using Messenger.Homeserver.Configuration;
using Messenger.Homeserver.Errors;
using Messenger.Homeserver.Http;
using Messenger.Homeserver.Storage;

namespace Messenger.Homeserver.ClientApi.Account;

/// <summary>Routes of "Account registration", "Login", "Logout", "Refreshing access tokens" and "Account management".</summary>
public static class AccountEndpoints
{
    public static void MapAccountEndpoints(this IEndpointRouteBuilder client)
    {
        client.MapPost("/register", async (HttpContext http, RegistrationService service, string? kind) =>
            MatrixJson.Ok(await service.RegisterAsync(await MatrixJson.ReadObjectAsync(http), kind, http.RequestAborted)))
            .RequireRateLimiting(RateLimits.Registration);

        client.MapGet("/register/available", async (string? username, RegistrationService service, CancellationToken ct) =>
        {
            await service.CheckAvailableAsync(username, ct);
            return MatrixJson.Ok(new { available = true });
        }).RequireRateLimiting(RateLimits.Registration);

        // POST /user/{userId}/openid/request_token ("OpenID"): a token a third party checks through our federation
        // /openid/userinfo. Only for oneself (403 otherwise); the body is an empty object.
        client.MapPost("/user/{userId}/openid/request_token", async (string userId, HttpContext http, Requester requester, OpenIdTokenStore tokens, HomeserverConfig config) =>
        {
            await MatrixJson.ReadObjectAsync(http, emptyAllowed: true);
            if (userId != requester.UserId) throw MatrixError.Forbidden("Cannot request OpenID tokens for other users");
            return MatrixJson.Ok(new
            {
                access_token = await tokens.IssueAsync(userId, http.RequestAborted),
                token_type = "Bearer",
                matrix_server_name = config.ServerName,
                expires_in = (long)OpenIdTokenStore.Lifetime.TotalSeconds,
            });
        }).RequireRateLimiting(RateLimits.Message);

        client.MapGet("/login", () => MatrixJson.Ok(new { flows = new[] { new { type = LoginService.PasswordLoginType } } }));

        client.MapPost("/login", async (HttpContext http, LoginService service) =>
            MatrixJson.Ok(await service.LoginAsync(await MatrixJson.ReadObjectAsync(http), http.RequestAborted)))
            .RequireRateLimiting(RateLimits.Login);

        client.MapPost("/refresh", async (HttpContext http, LoginService service) =>
        {
            var body = await MatrixJson.ReadAsync<RefreshRequest>(http);
            return MatrixJson.Ok(await service.RefreshAsync(body.RefreshToken, http.RequestAborted));
        }).RequireRateLimiting(RateLimits.Login);

        client.MapPost("/logout", async (Requester requester, LoginService service, CancellationToken ct) =>
        {
            await service.LogoutAsync(requester, ct);
            return MatrixJson.Ok(new { });
        });

        client.MapPost("/logout/all", async (Requester requester, LoginService service, CancellationToken ct) =>
        {
            await service.LogoutAllAsync(requester, ct);
            return MatrixJson.Ok(new { });
        });

        client.MapGet("/account/whoami", (Requester requester) =>
            MatrixJson.Ok(new { user_id = requester.UserId, device_id = requester.DeviceId, is_guest = requester.IsGuest }));

        client.MapPost("/account/password", async (HttpContext http, AccountService service, AccessTokenAuthenticator authenticator) =>
        {
            var body = await MatrixJson.ReadObjectAsync(http);
            await service.ChangePasswordAsync(body, await OptionalRequesterAsync(http, authenticator), http.RequestAborted);
            return MatrixJson.Ok(new { });
        });

        client.MapPost("/account/deactivate", async (HttpContext http, AccountService service, AccessTokenAuthenticator authenticator) =>
        {
            var body = await MatrixJson.ReadObjectAsync(http, emptyAllowed: true);
            await service.DeactivateAsync(body, await OptionalRequesterAsync(http, authenticator), http.RequestAborted);
            return MatrixJson.Ok(new { id_server_unbind_result = "no-support" });
        });
    }

    /// <summary>
    /// GET /_matrix/client/v1/register/m.login.registration_token/validity ("Token-authenticated registration").
    /// Only under v1, where the spec puts it.
    /// </summary>
    public static void MapRegistrationTokenValidity(this IEndpointRouteBuilder v1)
    {
        v1.MapGet("/register/m.login.registration_token/validity",
            async (string? token, UserInteractiveAuth uia, Configuration.HomeserverConfig config, CancellationToken ct) =>
            {
                if (!config.Registration.EnableRegistration) throw MatrixError.Forbidden("Registration has been disabled");
                var value = MatrixJson.Require(token, "token");
                if (value.Length > 64) throw MatrixError.InvalidParam("token is at most 64 characters");
                return MatrixJson.Ok(new { valid = await uia.IsRegistrationTokenValidAsync(value, ct) });
            }).RequireRateLimiting(RateLimits.Registration);
    }

    /// <summary>The caller if the request carries a token (then it must be valid), else null: for endpoints where a token is optional.</summary>
    private static async Task<Requester?> OptionalRequesterAsync(HttpContext http, AccessTokenAuthenticator authenticator) =>
        AccessTokenAuthenticator.ReadToken(http.Request) is null ? null : await authenticator.AuthenticateAsync(http);
}
