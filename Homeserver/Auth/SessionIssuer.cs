using Messenger.Homeserver.Configuration;
using Messenger.Homeserver.Storage;
using Messenger.Homeserver.Storage.Rows;

namespace Messenger.Homeserver.Auth;

/// <summary>
/// Makes a device and its tokens for a login or registration ("Relationship between access tokens and devices").
/// Changes are staged on the request's database context; the caller commits them with the rest of its operation.
/// </summary>
public sealed class SessionIssuer(DeviceStore devices, HomeserverConfig config, TimeProvider time)
{
    public async Task<IssuedSession> IssueAsync(string userId, string? deviceId, string? displayName, bool withRefreshToken, CancellationToken ct)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        deviceId = string.IsNullOrEmpty(deviceId) ? SecretTokens.NewDeviceId() : deviceId;
        await devices.EnsureAsync(userId, deviceId, displayName, now, ct);
        return StageTokens(userId, deviceId, withRefreshToken, now);
    }

    /// <summary>Stages a new access token (and refresh token) for an existing device; used by <c>/refresh</c> too.</summary>
    public IssuedSession StageTokens(string userId, string deviceId, bool withRefreshToken, long now, Action<RefreshTokenRow>? onRefreshCreated = null)
    {
        var accessToken = SecretTokens.NewAccessToken();
        var access = new AccessTokenRow
        {
            TokenHash = SecretTokens.HashOf(accessToken), UserId = userId, DeviceId = deviceId, CreatedTs = now,
        };
        string? refreshToken = null;
        long? expiresIn = null;
        if (withRefreshToken)
        {
            refreshToken = SecretTokens.NewRefreshToken();
            var refresh = new RefreshTokenRow { TokenHash = SecretTokens.HashOf(refreshToken), UserId = userId, DeviceId = deviceId, CreatedTs = now };
            devices.AddRefreshToken(refresh);
            onRefreshCreated?.Invoke(refresh);
            expiresIn = config.Auth.RefreshableAccessTokenLifetimeMs;
            access.ExpiresTs = now + expiresIn;
            access.RefreshToken = refresh;
        }
        devices.AddAccessToken(access);
        return new IssuedSession(userId, deviceId, accessToken, refreshToken, expiresIn);
    }
}
