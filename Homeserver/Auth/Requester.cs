using System.Reflection;

namespace Messenger.Homeserver.Auth;

/// <summary>
/// The authenticated caller of a Client-Server request. Declaring a <see cref="Requester"/> parameter on an
/// endpoint makes it require an access token ("Client Authentication"); a missing or bad token fails the request
/// with <c>M_MISSING_TOKEN</c> / <c>M_UNKNOWN_TOKEN</c> before the handler runs.
/// </summary>
public sealed record Requester(string UserId, string DeviceId, long AccessTokenId, bool IsGuest = false)
{
    public static async ValueTask<Requester?> BindAsync(HttpContext context, ParameterInfo parameter) =>
        await context.RequestServices.GetRequiredService<AccessTokenAuthenticator>().AuthenticateAsync(context);
}
