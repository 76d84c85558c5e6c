using Messenger.Homeserver.ClientApi.Account;
using Messenger.Homeserver.Http;

namespace Messenger.Homeserver.Admin;

/// <summary>Synapse-compatible admin routes.</summary>
public static class AdminEndpoints
{
    public static void MapAdminEndpoints(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/_synapse/admin/v1");

        admin.MapGet("/register", (SharedSecretRegistration registration) => MatrixJson.Ok(new { nonce = registration.NewNonce() }))
            .RequireRateLimiting(RateLimits.Registration);

        admin.MapPost("/register", async (HttpContext http, SharedSecretRegistration registration, RegistrationService accounts,
            Configuration.HomeserverConfig config) =>
        {
            var request = await MatrixJson.ReadAsync<SharedSecretRegisterRequest>(http);
            registration.Verify(request);
            var localpart = UsernamePolicy.Normalise(request.Username!);
            UsernamePolicy.Validate(localpart, config.ServerName);
            var response = await accounts.CreateAccountAsync(
                new NewAccount(localpart, request.Password!, request.Admin == true, request.UserType, InhibitLogin: false,
                    DeviceId: null, DeviceDisplayName: null, WithRefreshToken: false),
                auth: null, http.RequestAborted);
            return MatrixJson.Ok(response);
        }).RequireRateLimiting(RateLimits.Registration);
    }
}
