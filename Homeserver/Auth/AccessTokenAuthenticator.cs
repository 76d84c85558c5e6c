using Messenger.Homeserver.Errors;
using Messenger.Homeserver.Storage;
using Microsoft.Extensions.Primitives;

namespace Messenger.Homeserver.Auth;

/// <summary>
/// Resolves the access token of a request (<c>Authorization: Bearer</c>, or the deprecated <c>access_token</c>
/// query parameter) to a <see cref="Requester"/>. Expired tokens get <c>M_UNKNOWN_TOKEN</c> with
/// <c>soft_logout: true</c> ("Soft logout"): the device lives on and the client may refresh or log in again.
/// </summary>
public sealed class AccessTokenAuthenticator(DeviceStore devices, AccessTokenCache cache, LastSeenThrottle lastSeen, TimeProvider time)
{
    public async Task<Requester> AuthenticateAsync(HttpContext context)
    {
        var token = ReadToken(context.Request) ?? throw MatrixError.MissingToken();
        var hash = SecretTokens.HashOf(token);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (!cache.TryGet(hash, out var cached))
        {
            var generation = cache.Generation;
            var row = await devices.FindAccessTokenAsync(hash, context.RequestAborted)
                ?? throw MatrixError.UnknownToken("Invalid access token passed.");
            cached = new CachedAccessToken(row.Id, row.UserId, row.DeviceId, row.ExpiresTs);
            if (!IsExpired(cached, now))
            {
                if (!row.Used) await devices.MarkUsedAsync(row, context.RequestAborted);
                cache.Add(hash, cached, generation);
            }
        }

        if (IsExpired(cached, now))
            throw MatrixError.UnknownToken("Access token has expired", softLogout: true);

        await TouchDeviceAsync(context, cached.UserId, cached.DeviceId, now);
        return new Requester(cached.UserId, cached.DeviceId, cached.Id);
    }

    private static bool IsExpired(CachedAccessToken token, long now) => token.ExpiresTs is { } expires && expires <= now;

    /// <summary>The token of a request, or null. A request with both forms must not disagree.</summary>
    public static string? ReadToken(HttpRequest request)
    {
        string? header = null;
        if (request.Headers.Authorization is { Count: > 0 } auth)
        {
            var value = auth.ToString();
            if (!value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
                throw MatrixError.UnknownToken("Unrecognised Authorization header; expected 'Bearer <token>'");
            header = value["Bearer ".Length..].Trim();
        }
        var query = request.Query.TryGetValue("access_token", out StringValues q) ? q.ToString() : null;
        if (header is not null && query is not null && header != query)
            throw MatrixError.UnknownToken("Conflicting access tokens in header and query");
        var token = header ?? query;
        return string.IsNullOrEmpty(token) ? null : token;
    }

    private async Task TouchDeviceAsync(HttpContext context, string userId, string deviceId, long now)
    {
        if (!lastSeen.ShouldWrite(userId, deviceId, now)) return;
        var ip = context.Connection.RemoteIpAddress?.ToString();
        var userAgent = context.Request.Headers.UserAgent.ToString();
        await devices.TouchAsync(userId, deviceId, now, ip, userAgent.Length == 0 ? null : userAgent, context.RequestAborted);
    }
}
